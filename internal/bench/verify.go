package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/store"
)

// runVerify measures a full verification of a production's log (read every entry,
// check it, hash it, rebuild the tree, compare to the signed checkpoint) beside raw
// SHA-256 over the same bytes.
func runVerify(ctx context.Context, args []string, _ Coldset) error {
	fs, pf := newFlagSet("bench verify")
	entries := fs.Int("entries", 1_000_000, "entries in the verified log")
	dir := scratchDirFlag(fs)
	runs := fs.Int("runs", 3, "verifications to time; the fastest is reported")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *entries < 1 || *runs < 1 {
		return cli.UsageError(fs, "--entries and --runs must be positive")
	}
	env, err := openScratch(*dir)
	if err != nil {
		return err
	}
	defer env.close()
	printMachine(env.dir)
	const id = "verify-bench"
	t0 := time.Now()
	n, bytes, err := fillProduction(ctx, env.st, env.signer, id, *entries)
	if err != nil {
		return err
	}
	fmt.Printf("bench verify: %d entries, %.0f MB of bodies (filled in %v)\n", n, float64(bytes)/1e6, time.Since(t0).Round(time.Millisecond))
	bodies, readTime, err := readAll(ctx, env.st, id, uint64(n))
	if err != nil {
		return err
	}
	mem, err := memCopy(ctx, env.st, id)
	if err != nil {
		return err
	}

	stop, err := pf.start()
	if err != nil {
		return err
	}
	onDisk, err := timeVerify(ctx, env.st, env.signer, id, *runs)
	if err == nil {
		var inMem time.Duration
		inMem, err = timeVerify(ctx, mem, env.signer, id, *runs)
		stop()
		one := hashAll(bodies, 1)
		all := hashAll(bodies, runtime.GOMAXPROCS(0))
		line := func(what string, d time.Duration, ratio bool) {
			fmt.Printf("  %-42s %9.0f entries/s %6.0f MB/s  (%v", what, float64(n)/d.Seconds(), float64(bytes)/d.Seconds()/1e6, fmtDur(d))
			if ratio {
				fmt.Printf("; verify reaches %.2fx of it in memory, %.2fx from SQLite", d.Seconds()/inMem.Seconds(), d.Seconds()/onDisk.Seconds())
			}
			fmt.Println(")")
		}
		line("ledger.Verify, entries in SQLite:", onDisk, false)
		line("ledger.Verify, entries in memory:", inMem, false)
		line("read the entries from SQLite alone:", readTime, false)
		line("raw limit, SHA-256 of each body, 1 core:", one, true)
		line(fmt.Sprintf("raw limit, SHA-256 of each body, %d cores:", runtime.GOMAXPROCS(0)), all, true)
	} else {
		stop()
	}
	if err != nil {
		return fmt.Errorf("bench verify: %w", err)
	}
	printLoad()
	return nil
}

// timeVerify returns the fastest of runs full verifications of id.
func timeVerify(ctx context.Context, st store.Store, s *ledger.Signer, id string, runs int) (time.Duration, error) {
	best := time.Duration(math.MaxInt64)
	for range runs {
		t := time.Now()
		if _, err := ledger.Verify(ctx, st, s.Verifier(), id, nil); err != nil {
			return 0, err
		}
		best = min(best, time.Since(t))
	}
	return best, nil
}

// readAll reads the bodies of entries 0..n-1 in the chunks verification reads them in.
func readAll(ctx context.Context, st store.Store, id string, n uint64) ([][]byte, time.Duration, error) {
	const chunk = 50_000
	bodies := make([][]byte, 0, n)
	t := time.Now()
	for from := uint64(0); from < n; from += chunk {
		rows, err := st.Entries(ctx, id, from, min(from+chunk, n))
		if err != nil {
			return nil, 0, err
		}
		for _, r := range rows {
			bodies = append(bodies, r.Body)
		}
	}
	return bodies, time.Since(t), nil
}

// hashAll computes SHA-256 of every body on the given number of goroutines, the
// fastest of three runs.
func hashAll(bodies [][]byte, workers int) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range 3 {
		t := time.Now()
		var wg sync.WaitGroup
		per := (len(bodies) + workers - 1) / workers
		for lo := 0; lo < len(bodies); lo += per {
			wg.Go(func() {
				for _, b := range bodies[lo:min(lo+per, len(bodies))] {
					sha256.Sum256(b)
				}
			})
		}
		wg.Wait()
		best = min(best, time.Since(t))
	}
	return best
}
