package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// benchAppend measures ledger appends through Log.Do from concurrent writers, and, in
// the same run, the limits beneath them: the disk's fsync'd batch writes of the same
// bytes, fsync'd single-row inserts into the same kind of database, and SHA-256 over
// the same bytes.
func benchAppend(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench append", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	var pf profileFlags
	pf.register(fs)
	entries := fs.Int("entries", 20000, "entries to append, for each number of writers")
	writersList := fs.String("writers", "16", "concurrent writers calling Log.Do; a list such as 1,16,64 runs each")
	padding := fs.Int("payload", 100, "payload size in bytes")
	raw := fs.Bool("raw", true, "also measure the raw limits (fsync'd batch writes, fsync'd inserts, SHA-256)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	writers, err := intList(*writersList)
	if err != nil {
		return usageError(fs, "--writers: %v", err)
	}
	if *entries < 1 {
		return usageError(fs, "--entries must be positive")
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
	counted := &countingStore{Store: st}
	l, err := ledger.Open(ctx, counted, signer, benchProduction, ledger.NewNopFolder)
	if err != nil {
		return err
	}
	defer l.Close()
	stop, err := pf.start()
	if err != nil {
		return err
	}
	defer stop()

	where := "sqlite " + sf.db
	if sf.postgres != "" {
		where = "postgres"
	}
	if *raw {
		printMachine(filepath.Dir(sf.db))
	}
	pad := strings.Repeat("x", *padding)
	payload := func(i int64) json.RawMessage { return fmt.Appendf(nil, `{"n":%d,"pad":%q}`, i, pad) }
	// The same bytes the ledger hashes and stores, give or take the timestamps.
	bodies := make([][]byte, min(*entries, 100_000))
	for i := range bodies {
		e := ledger.Entry{Production: benchProduction, Index: uint64(i), Time: time.Now(), Type: "bench.append", Payload: payload(int64(i))}
		if bodies[i], err = e.Encode(); err != nil {
			return err
		}
	}
	for _, w := range writers {
		fmt.Printf("bench append: %d entries, %d writers, %s (log %q starts at %d entries)\n", *entries, w, where, benchProduction, l.Size())
		rate, err := ledgerAppends(ctx, l, counted, *entries, w, payload)
		if err != nil {
			return err
		}
		if !*raw {
			continue
		}
		limit, err := fsyncBatches(filepath.Dir(sf.db), bodies, w)
		if err != nil {
			return fmt.Errorf("bench fsync'd batches: %w", err)
		}
		fmt.Printf("  raw limit, fsync'd %4d-entry batches:  %9.0f entries/s  (f.Write + f.Sync of the same bytes; ledger at %.2fx)\n", w, limit, rate/limit)
		if sf.postgres == "" {
			full, err := storeBatches(ctx, filepath.Dir(sf.db), bodies, w)
			if err != nil {
				return fmt.Errorf("bench store batches: %w", err)
			}
			fmt.Printf("  SQLite store.Append, %4d-entry batches: %9.0f entries/s  (full batches, no ledger; ledger at %.2fx)\n", w, full, rate/full)
		}
		printLoad()
	}
	if !*raw {
		return nil
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

// ledgerAppends appends n entries from w concurrent writers and prints the rate, the
// latencies and the batches the group commit formed. It returns the rate.
func ledgerAppends(ctx context.Context, l *ledger.Log, counted *countingStore, n, w int, payload func(int64) json.RawMessage) (float64, error) {
	var next atomic.Int64
	latencies := make([][]time.Duration, w)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	commits0 := counted.appends.Load()
	start := time.Now()
	for i := range w {
		wg.Go(func() {
			for {
				k := next.Add(1) - 1
				if k >= int64(n) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				_, err := l.Do(ctx, func(ledger.Folder, uint64) ([]ledger.Entry, error) {
					return []ledger.Entry{{Time: time.Now(), Type: "bench.append", Payload: payload(k)}}, nil
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				latencies[i] = append(latencies[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, ok := firstErr.Load().(error); ok {
		return 0, fmt.Errorf("bench append: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	rate := float64(len(all)) / elapsed.Seconds()
	commits := counted.appends.Load() - commits0
	fmt.Printf("  ledger (Log.Do, group commit):          %9.0f entries/s  (%v; latency p50 %v, p99 %v; %d commits, %.1f entries each)\n",
		rate, elapsed.Round(time.Millisecond),
		all[len(all)/2].Round(10*time.Microsecond), all[len(all)*99/100].Round(10*time.Microsecond),
		commits, float64(len(all))/float64(max(commits, 1)))
	return rate, nil
}

// countingStore counts the appends that reach the store: the transactions the group
// commit formed.
type countingStore struct {
	store.Store
	appends atomic.Int64
}

func (c *countingStore) Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) error {
	c.appends.Add(1)
	return c.Store.Append(ctx, production, next, bodies, checkpoint)
}
