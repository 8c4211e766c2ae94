package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/store/sqlite"
)

// runMemory measures what a server holding many productions keeps in memory: it
// fills the productions, then opens every one through a ledger.Ledger with the
// server's folders (as the server does on first use) and reads the Go heap after a
// collection and the process's resident set.
func runMemory(ctx context.Context, args []string, _ Coldset) error {
	fs, pf := newFlagSet("bench memory")
	prods := fs.Int("productions", 100, "productions held")
	events := fs.Int("events", 10_000, "events in each production")
	dir := scratchDirFlag(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *prods < 1 || *events < 1 {
		return cli.UsageError(fs, "--productions and --events must be positive")
	}
	env, err := openScratch(*dir)
	if err != nil {
		return err
	}
	defer env.close()
	printMachine(env.dir)
	t := time.Now()
	ids := make([]string, *prods)
	for i := range ids {
		ids[i] = fmt.Sprintf("mem-%04d", i)
		if _, _, err := fillProduction(ctx, env.st, env.signer, ids[i], *events); err != nil {
			return err
		}
	}
	fmt.Printf("bench memory: %d productions of %d events (filled in %v)\n", *prods, *events, time.Since(t).Round(time.Millisecond))
	// Start from a fresh store and a heap without the filling's garbage, as a server
	// starting on this database would.
	env.st.Close()
	if env.st, err = sqlite.Open(env.path); err != nil {
		return err
	}
	before := memNow(true)
	fmt.Printf("  before opening:   heap %7.1f MB, resident %7.1f MB\n", mb(before.heap), mb(before.rss))

	stop, err := pf.start()
	if err != nil {
		return err
	}
	lg := ledger.New(env.st, env.signer, production.NewFolder)
	defer lg.Close()
	t = time.Now()
	for _, id := range ids {
		if _, err := lg.Log(ctx, id); err != nil {
			stop()
			return err
		}
	}
	opened := time.Since(t)
	stop()
	held := memNow(false)
	released := memNow(true)
	n := float64(*prods)
	fmt.Printf("  all open:         heap %7.1f MB, resident %7.1f MB  (opened in %v)\n", mb(held.heap), mb(held.rss), opened.Round(time.Millisecond))
	fmt.Printf("  after returning freed pages to the OS: resident %7.1f MB\n", mb(released.rss))
	fmt.Printf("  per production:   heap %7.1f kB (%.0f bytes per event), resident %7.1f kB\n",
		kb(held.heap-before.heap)/n, float64(held.heap-before.heap)/n/float64(*events), kb(held.rss-before.rss)/n)
	printLoad()
	runtime.KeepAlive(lg)
	return nil
}

type memSample struct{ heap, rss int64 }

// memNow collects garbage and reads the live heap and the resident set (VmRSS of
// /proc/self/status). With release, freed pages are first returned to the OS.
func memNow(release bool) memSample {
	runtime.GC()
	if release {
		debug.FreeOSMemory()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var rss int64
	if _, err := fmt.Sscanf(procField("/proc/self/status", "VmRSS"), "%d kB", &rss); err == nil {
		rss *= 1024
	}
	return memSample{heap: int64(ms.HeapAlloc), rss: rss}
}

func mb(b int64) float64 { return float64(b) / 1e6 }
func kb(b int64) float64 { return float64(b) / 1e3 }
