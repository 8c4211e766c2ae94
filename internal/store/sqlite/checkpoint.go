package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// WAL checkpoints run off the commit path. The write connection has
// wal_autocheckpoint=0, so a commit only appends to the WAL and syncs it; a
// goroutine copies the WAL back into the database file on a connection of its own
// with PRAGMA wal_checkpoint(PASSIVE), which neither blocks appends nor waits for
// them. SQLite's own auto-checkpoint would run on the committing connection, after
// its commit and before the append returns.
//
// SQLite starts the WAL over only when a write transaction begins with every frame
// copied back and no reader using the WAL, which passive checkpoints seldom leave
// it while appends keep coming. So once the WAL has grown past walMaxPages the
// checkpointer runs a RESTART checkpoint on the write connection itself, taken from
// the pool between two appends: it copies the frames written since the last passive
// one and waits for readers to move off the WAL, and the next append starts it
// over. That holds appends back for one short checkpoint per walMaxPages written,
// instead of a long one per checkpointPages.
const (
	// checkpointPages is how many WAL pages (estimated from what Append wrote) start a
	// checkpoint: SQLite's own auto-checkpoint threshold.
	checkpointPages = 1000
	// checkpointIdle is the longest a WAL holding committed writes waits for a
	// checkpoint, for writes that do not count pages (accounts, outbox).
	checkpointIdle = time.Second
	// walMaxPages is the WAL size past which the checkpointer makes SQLite start it
	// over; it bounds the WAL unless readers hold old snapshots, which it cannot be
	// copied past.
	walMaxPages = 4 * checkpointPages
	// restartBusyMillis bounds how long a RESTART checkpoint waits for readers on an
	// older snapshot (a long backup, say), holding appends back meanwhile. After it
	// gives up, the next try waits until the WAL has grown by walMaxPages more.
	restartBusyMillis = 100
	// pageSize is SQLite's default page size, for estimating WAL growth.
	pageSize = 4096
)

// checkpointer runs WAL checkpoints for one Store.
type checkpointer struct {
	db     *sql.DB       // one connection, used only for checkpoints
	writer *sql.DB       // the store's write connection
	pages  atomic.Int64  // estimated WAL pages written since the last checkpoint
	dirty  atomic.Bool   // anything committed since the last checkpoint
	kick   chan struct{} // capacity 1: a checkpoint is due
	stop   chan struct{}
	done   chan struct{} // nil when no goroutine runs (tests drive checkpoints)

	mu       sync.Mutex // held by checkpoint
	maxPages int64      // walMaxPages
	restart  int64      // WAL size in pages at which the next RESTART checkpoint is tried
}

// startCheckpointer opens the checkpoints' connection to the database at path and,
// with background, starts the goroutine that runs them.
func startCheckpointer(path string, writer *sql.DB, background bool) (*checkpointer, error) {
	db, err := sql.Open("sqlite", fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=synchronous(FULL)", path, busyTimeoutMillis))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	c := &checkpointer{
		db:       db,
		writer:   writer,
		kick:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		maxPages: walMaxPages,
		restart:  walMaxPages,
	}
	if background {
		c.done = make(chan struct{})
		go c.run()
	}
	return c, nil
}

// wrote records a commit of about bytes of rows and asks for a checkpoint once the
// estimated WAL pages reach checkpointPages. A commit writes the pages its rows
// fill plus the b-tree pages it touches (the entries' last leaf, the checkpoints'
// leaf, their parents).
func (c *checkpointer) wrote(bytes int) {
	c.dirty.Store(true)
	if c.pages.Add(int64(3+bytes/pageSize)) >= checkpointPages {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	idle := time.NewTicker(checkpointIdle)
	defer idle.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-idle.C:
			if !c.dirty.Load() {
				continue
			}
		}
		c.checkpoint()
	}
}

// checkpoint copies the WAL back into the database file and returns the WAL's size
// in pages as the passive checkpoint found it (-1 if it failed). Failures are left
// for the next attempt: a checkpoint that does not happen only lets the WAL grow,
// and the store's reads and writes stay correct.
func (c *checkpointer) checkpoint() (walPages int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages.Store(0)
	c.dirty.Store(false)
	ctx := context.Background()
	busy, log, err := walCheckpoint(ctx, c.db, "PASSIVE")
	if err != nil || busy {
		c.dirty.Store(true)
		return -1
	}
	if log < c.restart {
		if log < c.maxPages {
			c.restart = c.maxPages
		}
		return log
	}
	c.restart = log + c.maxPages
	if err := c.restartWAL(ctx); err != nil {
		c.dirty.Store(true)
	}
	return log
}

// restartWAL runs a RESTART checkpoint on the write connection, with no append in
// progress in this process, so that the next append starts the WAL over.
func (c *checkpointer) restartWAL(ctx context.Context) error {
	conn, err := c.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartBusyMillis)); err != nil {
		return err
	}
	busy, _, err := walCheckpoint(ctx, conn, "RESTART")
	if _, err2 := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMillis)); err2 != nil {
		// Appends would wait for other processes far less than they should.
		return conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	if err == nil && busy {
		err = errors.New("readers kept the WAL")
	}
	return err
}

// CheckpointWAL copies the WAL into the database file now, as the checkpoints
// running in the background do, and returns once it has. A benchmark calls it to
// count the copying its appends caused in their own time.
func (s *Store) CheckpointWAL() (err error) {
	defer markFault(&err)
	if s.ckpt.checkpoint() < 0 {
		return errors.New("sqlite: WAL checkpoint did not run")
	}
	return nil
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// walCheckpoint runs a checkpoint in mode (PASSIVE or RESTART) on db and returns
// its result: whether it could not finish (another connection was checkpointing, or
// readers kept it waiting too long) and the WAL's size in pages.
func walCheckpoint(ctx context.Context, db rowQuerier, mode string) (busy bool, walPages int64, err error) {
	var b int
	var copied int64
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&b, &walPages, &copied)
	return b != 0, walPages, err
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	if c.done != nil {
		<-c.done
	}
	return c.db.Close()
}
