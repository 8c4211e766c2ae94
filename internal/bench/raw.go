package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/cli"
	"coldset/internal/loadgen"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

// The raw limits beneath the ledger: what the disk, the database and SHA-256 can do
// with the same bytes when nothing else is in the way.

// fsyncBudget bounds each fsync'd-batch measurement: enough syncs for a stable rate,
// short enough to run beside the ledger benchmark.
const (
	fsyncMaxSyncs = 2000
	fsyncMaxTime  = 3 * time.Second
)

// fsyncBatches writes bodies to a scratch file in dir, batch bodies at a time, each
// batch one f.Write and one f.Sync (fsync(2)), or fdatasync(2) with datasync: the
// most a durable log on this disk can append in batches of that size. fdatasync
// skips the file's timestamps and is what SQLite commits with. It returns entries
// per second.
func fsyncBatches(dir string, bodies [][]byte, batch int, datasync bool) (float64, error) {
	f, err := os.CreateTemp(dir, ".coldset-bench-fsync-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 0, 64<<10)
	start := time.Now()
	n, syncs := 0, 0
	for ; syncs < fsyncMaxSyncs && time.Since(start) < fsyncMaxTime; syncs++ {
		buf = buf[:0]
		for range batch {
			buf = append(buf, bodies[n%len(bodies)]...)
			n++
		}
		if _, err := f.Write(buf); err != nil {
			return 0, err
		}
		sync := f.Sync
		if datasync {
			sync = func() error { return syscall.Fdatasync(int(f.Fd())) }
		}
		if err := sync(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// rawInsertBudget bounds the fsync'd-insert measurement.
const (
	rawInsertMaxRows = 2000
	rawInsertMaxTime = 3 * time.Second
)

// rawInserts times a plain loop of single-row inserts, each its own transaction, on
// a scratch table of the same kind of database: SQLite in WAL mode with
// synchronous=FULL beside the database file, or an ordinary table on PostgreSQL.
func rawInserts(ctx context.Context, sf *cli.StoreFlags, bodies [][]byte) (int, float64, error) {
	var insert func(i int, body []byte) error
	if sf.Postgres != "" {
		conn, err := pgx.Connect(ctx, sf.Postgres)
		if err != nil {
			return 0, 0, err
		}
		defer conn.Close(ctx)
		table := fmt.Sprintf("coldset_bench_raw_%d", os.Getpid())
		if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (idx BIGINT PRIMARY KEY, body BYTEA NOT NULL)"); err != nil {
			return 0, 0, err
		}
		defer conn.Exec(context.Background(), "DROP TABLE "+table)
		insert = func(i int, body []byte) error {
			_, err := conn.Exec(ctx, "INSERT INTO "+table+" (idx, body) VALUES ($1, $2)", i, body)
			return err
		}
	} else {
		path := filepath.Join(filepath.Dir(sf.DB), fmt.Sprintf(".coldset-bench-raw-%d.db", os.Getpid()))
		defer func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}()
		db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
		if err != nil {
			return 0, 0, err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if _, err := db.ExecContext(ctx, "CREATE TABLE raw (idx INTEGER PRIMARY KEY, body BLOB NOT NULL)"); err != nil {
			return 0, 0, err
		}
		insert = func(i int, body []byte) error {
			_, err := db.ExecContext(ctx, "INSERT INTO raw (idx, body) VALUES (?, ?)", i, body)
			return err
		}
	}
	start := time.Now()
	n := 0
	for ; n < rawInsertMaxRows && time.Since(start) < rawInsertMaxTime; n++ {
		if err := insert(n, bodies[n%len(bodies)]); err != nil {
			return n, 0, err
		}
	}
	return n, float64(n) / time.Since(start).Seconds(), nil
}

// sha256Rate hashes the bodies, as leaves are hashed, for at least half a second.
func sha256Rate(bodies [][]byte) (perSecond, mbPerSecond float64) {
	var n, bytes int
	start := time.Now()
	for time.Since(start) < 500*time.Millisecond {
		for _, b := range bodies {
			h := sha256.New()
			h.Write([]byte{0}) // the RFC 6962 leaf prefix
			h.Write(b)
			h.Sum(nil)
			bytes += len(b) + 1
		}
		n += len(bodies)
	}
	s := time.Since(start).Seconds()
	return float64(n) / s, float64(bytes) / s / 1e6
}

// storeBatches appends bodies straight to a store, batch at a time, each batch one
// store.Append with a checkpoint-sized note, as a full group commit would write
// them: what the store can do with batches of that size, without the ledger in
// front of it. With SQLite it writes to a scratch database beside the one given;
// with PostgreSQL to a scratch production of the same database, deleted afterwards.
// It returns entries per second.
func storeBatches(ctx context.Context, sf *cli.StoreFlags, bodies [][]byte, batch int) (float64, error) {
	production := fmt.Sprintf("bench-store-limit-%d", os.Getpid())
	var st store.Store
	if sf.Postgres != "" {
		pg, err := postgres.Open(ctx, sf.Postgres)
		if err != nil {
			return 0, err
		}
		defer pg.Close()
		defer func() {
			// Leave the database as it was; the rows are the benchmark's own.
			conn, err := pgx.Connect(context.Background(), sf.Postgres)
			if err != nil {
				return
			}
			defer conn.Close(context.Background())
			for _, table := range []string{"entries", "checkpoints"} {
				conn.Exec(context.Background(), "DELETE FROM "+table+" WHERE production = $1", production)
			}
		}()
		st = pg
	} else {
		path, remove, err := scratchDB(filepath.Dir(sf.DB))
		if err != nil {
			return 0, err
		}
		defer remove()
		lite, err := sqlite.Open(path)
		if err != nil {
			return 0, err
		}
		defer lite.Close()
		st = lite
	}
	note := make([]byte, 180) // about the size of a signed checkpoint
	rows := make([][]byte, batch)
	start := time.Now()
	n, commits := 0, 0
	for ; commits < fsyncMaxSyncs && time.Since(start) < fsyncMaxTime; commits++ {
		for i := range rows {
			rows[i] = bodies[(n+i)%len(bodies)]
		}
		if err := st.Append(ctx, production, uint64(n), rows, note); err != nil {
			return 0, err
		}
		n += batch
	}
	if c, ok := st.(walCheckpointer); ok { // as for the ledger's appends
		if err := c.CheckpointWAL(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// fsyncLatency times n single-entry fsync'd writes to a scratch file in dir: the
// least a durable write can take on this disk.
func fsyncLatency(dir string, n int) (string, error) {
	f, err := os.CreateTemp(dir, ".coldset-bench-fsync-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	body := make([]byte, 400)
	lat := make([]time.Duration, n)
	for i := range lat {
		t := time.Now()
		if _, err := f.Write(body); err != nil {
			return "", err
		}
		if err := f.Sync(); err != nil {
			return "", err
		}
		lat[i] = time.Since(t)
	}
	return loadgen.Summarize(lat).String(), nil
}
