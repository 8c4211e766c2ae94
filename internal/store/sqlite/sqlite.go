// Package sqlite keeps coldset's production logs in one SQLite database file, the
// embedded default. Writes go through a single connection in WAL mode with
// synchronous=FULL, so an acknowledged append has been synced to disk; reads use a
// separate pool and never wait for the writer, and WAL checkpoints run on a
// connection of their own (checkpoint.go).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver

	"coldset/internal/store"
)

var _ store.Backend = (*Store)(nil)

// busyTimeoutMillis is how long a connection waits for another process holding the
// database lock before giving up with SQLITE_BUSY.
const busyTimeoutMillis = 5000

// readConns bounds the read pool: enough for concurrent page loads and proofs, few
// enough that each connection's page cache stays warm.
const readConns = 4

// Store is a store.Backend on one SQLite database file. It is safe for concurrent use,
// and several processes may open the same file: each append takes SQLite's write
// lock before it reads the log's size.
type Store struct {
	write *sql.DB // exactly one connection: appends queue here instead of failing busy
	read  *sql.DB

	inserts        map[int]*sql.Stmt // prepared multi-row inserts on write, by row count; fixed after Open
	sizeStmt       *sql.Stmt         // Append's size query, prepared on write
	checkpointStmt *sql.Stmt         // Append's checkpoint insert, prepared on write
	ckpt           *checkpointer
}

// Open opens (creating if needed) the database file at path and brings its schema
// up to date. The path must name a file: an in-memory database would give the read
// and write pools different databases.
func Open(path string) (*Store, error) {
	return open(path, true)
}

// open is Open; without checkpoints, no goroutine runs them and the caller (a test)
// does through s.ckpt.checkpoint.
func open(path string, checkpoints bool) (*Store, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return nil, fmt.Errorf("open sqlite %q: want a plain file path", path)
	}
	// _txlock=immediate makes BEGIN take the write lock at once, so the size an append
	// reads cannot change before it inserts, and a lock held by another process is
	// waited for (busy_timeout) rather than failing on the upgrade from reader.
	//
	// wal_autocheckpoint=0 keeps checkpoints off the commit path (see checkpoint.go);
	// journal_size_limit shrinks a WAL that a long reader let grow, once it starts over.
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"+
		"&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(%d)", busyTimeoutMillis, walMaxPages*pageSize)
	// Sync with fdatasync(2), as SQLite does on every Linux build; this transpiled
	// library defaults to fsync(2), which also writes the file's timestamps through
	// the file system's journal on every commit. fdatasync still writes the size
	// and everything else needed to read the data back. Process-wide, and an error
	// only means the platform has no fdatasync, where fsync stays.
	_, _ = msqlite.Fdatasync(true)
	write, err := sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	s := &Store{write: write, inserts: make(map[int]*sql.Stmt)}
	ctx := context.Background()
	if err := openRetry(ctx, func() error { return checkDurable(ctx, write) }); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	if err := s.prepareInserts(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}

	read, err := sql.Open("sqlite", path+"?"+fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=query_only(1)", busyTimeoutMillis))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	s.read = read
	if s.ckpt, err = startCheckpointer(path, write, checkpoints); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	return s, nil
}

// openRetry retries fn while the database is locked. Switching a new file to WAL
// needs an exclusive lock that SQLite does not always wait for through busy_timeout,
// so several processes opening one new file at once may see SQLITE_BUSY here.
func openRetry(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyTimeoutMillis * time.Millisecond)
	for {
		err := fn()
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(5+rand.IntN(20)) * time.Millisecond):
		}
	}
}

// checkDurable confirms the pragmas took: a database left in another journal mode
// (or a driver that ignored the DSN) would silently weaken the durability promise.
func checkDurable(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous: %w", err)
	}
	if sync < 2 {
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", sync)
	}
	return nil
}

// Close stops the checkpoints and closes both pools. Appends in flight finish or
// fail first. The last connection to close copies the WAL into the database file
// and removes it, as SQLite does.
func (s *Store) Close() (err error) {
	defer markFault(&err)
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
	}
	for _, st := range s.inserts {
		errs = append(errs, st.Close())
	}
	for _, st := range []*sql.Stmt{s.sizeStmt, s.checkpointStmt} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite: %w", err)
	}
	return nil
}
