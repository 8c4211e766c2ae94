package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/store"
)

// runAppend measures ledger appends through Log.Do from concurrent writers, and, in
// the same run, the limits beneath them: the disk's fsync'd and fdatasync'd batch
// writes of the same bytes, the store's own appends of full batches, fsync'd
// single-row inserts into the same kind of database, and SHA-256 over the same bytes.
func runAppend(ctx context.Context, args []string, _ Coldset) error {
	fs, pf := newFlagSet("bench append")
	var sf cli.StoreFlags
	sf.Register(fs)
	entries := fs.Int("entries", 20000, "entries to append, for each number of writers")
	writersList := fs.String("writers", "16", "concurrent writers calling Log.Do; a list such as 1,16,64 runs each")
	padding := fs.Int("payload", 100, "payload size in bytes")
	raw := fs.Bool("raw", true, "also measure the raw limits (fsync'd batch writes, fsync'd inserts, SHA-256)")
	rounds := fs.Int("rounds", 1, "measure each number of writers this many times, ledger and limits in turn, and print the best of each (the machine's other work only ever slows a round down)")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	writers, err := intList(*writersList)
	if err != nil {
		return cli.UsageError(fs, "--writers: %v", err)
	}
	if *entries < 1 {
		return cli.UsageError(fs, "--entries must be positive")
	}
	if *rounds < 1 {
		return cli.UsageError(fs, "--rounds must be positive")
	}
	st, signer, err := sf.OpenWithKey(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
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

	if *raw {
		printMachine(filepath.Dir(sf.DB))
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
		var best appendFigures
		for round := range *rounds {
			fmt.Printf("bench append: %d entries, %d writers, %s (log %q starts at %d entries)", *entries, w, storeName(sf.Postgres, sf.DB), benchProduction, l.Size())
			if *rounds > 1 {
				fmt.Printf(", round %d of %d", round+1, *rounds)
			}
			fmt.Println()
			f, err := appendRound(ctx, l, counted, &sf, bodies, *entries, w, payload, *raw)
			if err != nil {
				return err
			}
			best = best.max(f)
			if *raw {
				printLoad()
			}
		}
		if *rounds > 1 && *raw {
			fmt.Printf("  best of %d rounds, %d writers: ledger %.0f entries/s; fsync'd batches %.0f (ledger at %.2fx), fdatasync'd %.0f (%.2fx), store.Append %.0f (%.2fx)\n",
				*rounds, w, best.ledger, best.fsync, best.ledger/best.fsync, best.fdatasync, best.ledger/best.fdatasync, best.store, best.ledger/best.store)
		}
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

// appendFigures are one round's rates in entries per second: the ledger's, and the
// limits beneath it measured right after.
type appendFigures struct{ ledger, fsync, fdatasync, store float64 }

func (a appendFigures) max(b appendFigures) appendFigures {
	return appendFigures{max(a.ledger, b.ledger), max(a.fsync, b.fsync), max(a.fdatasync, b.fdatasync), max(a.store, b.store)}
}

// appendRound measures the ledger with w writers and, with raw, the limits beneath
// it, printing each figure.
func appendRound(ctx context.Context, l *ledger.Log, counted *countingStore, sf *cli.StoreFlags, bodies [][]byte, n, w int, payload func(int64) json.RawMessage, raw bool) (appendFigures, error) {
	var f appendFigures
	var err error
	if f.ledger, err = ledgerAppends(ctx, l, counted, n, w, payload); err != nil || !raw {
		return f, err
	}
	if f.fsync, err = fsyncBatches(filepath.Dir(sf.DB), bodies, w, false); err != nil {
		return f, fmt.Errorf("bench fsync'd batches: %w", err)
	}
	fmt.Printf("  raw limit, fsync'd %4d-entry batches:  %9.0f entries/s  (f.Write + f.Sync of the same bytes; ledger at %.2fx)\n", w, f.fsync, f.ledger/f.fsync)
	if f.fdatasync, err = fsyncBatches(filepath.Dir(sf.DB), bodies, w, true); err != nil {
		return f, fmt.Errorf("bench fdatasync'd batches: %w", err)
	}
	fmt.Printf("  raw limit, fdatasync'd %4d-entry batches: %6.0f entries/s  (f.Write + fdatasync; ledger at %.2fx)\n", w, f.fdatasync, f.ledger/f.fdatasync)
	if f.store, err = storeBatches(ctx, sf, bodies, w); err != nil {
		return f, fmt.Errorf("bench store batches: %w", err)
	}
	fmt.Printf("  store.Append, %4d-entry batches:       %9.0f entries/s  (full batches, no ledger; ledger at %.2fx)\n", w, f.store, f.ledger/f.store)
	return f, nil
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
	// The WAL pages SQLite copies into the database file in the background are part
	// of what the appends cost.
	if c, ok := counted.Store.(walCheckpointer); ok {
		if err := c.CheckpointWAL(); err != nil {
			return 0, fmt.Errorf("bench append: %w", err)
		}
	}
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

// walCheckpointer is a store that copies its WAL into the database file in the
// background (SQLite).
type walCheckpointer interface{ CheckpointWAL() error }

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
