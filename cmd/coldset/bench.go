package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"
)

// benchProduction is the log bench append writes to.
const benchProduction = "bench"

// benchPaths are the subcommands of coldset bench, one per path that matters.
var benchPaths = map[string]struct {
	summary string
	run     func(ctx context.Context, args []string) error
}{
	"append": {"durable appends through Log.Do from concurrent writers, beside fsync'd batch writes of the same bytes", benchAppend},
	"http":   {"actions and reads through the HTTP API at a fixed request rate (open loop): latency percentiles", benchHTTP},
	"verify": {"full verification of a log, beside raw SHA-256 over the same bytes", benchVerify},
	"scale":  {"time per event of appends, rebuild, proofs, report and export at growing production sizes", benchScale},
	"memory": {"heap and resident memory of a server holding many productions", benchMemory},
	"proofs": {"inclusion and consistency proofs on a large in-memory tree", benchProofs},
}

func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || benchPaths[args[0]].run == nil {
		benchUsage()
		return exitError{2}
	}
	return benchPaths[args[0]].run(ctx, args[1:])
}

func benchUsage() {
	fmt.Fprintln(os.Stderr, "usage: coldset bench <path> [flags]   (each path measures the limit beneath it in the same run)\n\npaths:")
	names := make([]string, 0, len(benchPaths))
	for n := range benchPaths {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-7s %s\n", n, benchPaths[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\ne.g. coldset bench append --writers 1,16,64; coldset bench http --rate 500 --duration 30s")
}

// profileFlags is --cpuprofile, shared by every bench path.
type profileFlags struct{ cpu string }

func (p *profileFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
}

// start begins profiling if asked; the returned function ends it.
func (p *profileFlags) start() (stop func(), err error) {
	if p.cpu == "" {
		return func() {}, nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		fmt.Fprintf(os.Stderr, "cpu profile written to %s\n", p.cpu)
	}, nil
}

// intList parses a comma-separated list of positive integers, such as --writers 1,16,64.
func intList(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// perEvent formats a duration spread over n events.
func perEvent(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return fmtDur(d / time.Duration(n))
}

// fmtDur rounds a duration to three significant figures or so, for tables.
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	}
	return d.String()
}
