package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/ledger"
)

// benchProduction is the log bench append writes to.
const benchProduction = "bench"

func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "append" {
		fmt.Fprintln(os.Stderr, "usage: coldset bench append [--db FILE | --postgres URL] [--entries N] [--writers W]")
		return exitError{2}
	}
	return benchAppend(ctx, args[1:])
}

// benchAppend measures ledger appends through Log.Do from concurrent writers, and, in
// the same run, the two limits beneath them: fsync'd single-row inserts into the same
// kind of database, and SHA-256 over the same bytes.
func benchAppend(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench append", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	entries := fs.Int("entries", 20000, "entries to append")
	writers := fs.Int("writers", 16, "concurrent writers calling Log.Do")
	padding := fs.Int("payload", 100, "payload size in bytes")
	raw := fs.Bool("raw", true, "also measure the raw limits (fsync'd inserts, SHA-256)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *entries < 1 || *writers < 1 {
		return usageError(fs, "--entries and --writers must be positive")
	}
	st, err := sf.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	signer, err := ledger.LoadOrCreateKey(sf.keyPath())
	if err != nil {
		return err
	}
	l, err := ledger.Open(ctx, st, signer, benchProduction, ledger.NewNopFolder)
	if err != nil {
		return err
	}
	defer l.Close()

	where := "sqlite " + sf.db
	if sf.postgres != "" {
		where = "postgres"
	}
	fmt.Printf("bench append: %d entries, %d writers, %s (log %q starts at %d entries)\n", *entries, *writers, where, benchProduction, l.Size())

	pad := strings.Repeat("x", *padding)
	payload := func(i int64) json.RawMessage { return fmt.Appendf(nil, `{"n":%d,"pad":%q}`, i, pad) }
	var next atomic.Int64
	latencies := make([][]time.Duration, *writers)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start := time.Now()
	for w := range *writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(*entries) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				_, err := l.Do(ctx, func(ledger.Folder, uint64) ([]ledger.Entry, error) {
					return []ledger.Entry{{Time: time.Now(), Type: "bench.append", Payload: payload(i)}}, nil
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				latencies[w] = append(latencies[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, ok := firstErr.Load().(error); ok {
		return fmt.Errorf("bench append: %w", err)
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	fmt.Printf("  ledger (Log.Do, group commit):          %9.0f entries/s  (%v; latency p50 %v, p99 %v)\n",
		float64(len(all))/elapsed.Seconds(), elapsed.Round(time.Millisecond),
		all[len(all)/2].Round(10*time.Microsecond), all[len(all)*99/100].Round(10*time.Microsecond))

	if !*raw {
		return nil
	}
	// The same bytes the ledger hashed and stored, give or take the timestamps.
	bodies := make([][]byte, min(*entries, 100_000))
	for i := range bodies {
		e := ledger.Entry{Production: benchProduction, Index: uint64(i), Time: time.Now(), Type: "bench.append", Payload: payload(int64(i))}
		if bodies[i], err = e.Encode(); err != nil {
			return err
		}
	}
	rows, rate, err := rawInserts(ctx, &sf, bodies)
	if err != nil {
		return fmt.Errorf("bench raw inserts: %w", err)
	}
	fmt.Printf("  raw limit, fsync'd single-row inserts: %9.0f rows/s     (%d rows, one transaction each)\n", rate, rows)
	hashes, mbps := sha256Rate(bodies)
	fmt.Printf("  raw limit, SHA-256 over the bodies:     %9.0f bodies/s   (%.0f MB/s, %d-byte bodies)\n", hashes, mbps, len(bodies[0]))
	return nil
}

// rawInsertBudget bounds the fsync'd-insert measurement: enough rows for a stable
// rate, short enough to run beside the ledger benchmark.
const (
	rawInsertMaxRows = 2000
	rawInsertMaxTime = 3 * time.Second
)

// rawInserts times a plain loop of single-row inserts, each its own transaction, on
// a scratch table of the same kind of database: SQLite in WAL mode with
// synchronous=FULL beside the database file, or an ordinary table on PostgreSQL.
func rawInserts(ctx context.Context, sf *storeFlags, bodies [][]byte) (int, float64, error) {
	var insert func(i int, body []byte) error
	if sf.postgres != "" {
		conn, err := pgx.Connect(ctx, sf.postgres)
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
		path := filepath.Join(filepath.Dir(sf.db), fmt.Sprintf(".coldset-bench-raw-%d.db", os.Getpid()))
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
