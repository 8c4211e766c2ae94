// Package bench measures coldset on the machine it runs on: the paths of coldset
// bench (appends, the HTTP API, verification, growth, memory, proofs), each beside
// the limit beneath it, and coldset soak, a served store under a mixed load for a
// while. It drives the product only through its public packages and, for soak and
// the whole-command timings, through the coldset binary itself; cmd/coldset wires
// its two commands to Main and Soak.
package bench

import (
	"coldset/internal/cli"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Coldset runs one of coldset's own commands (args[0] is "report", "export" or
// "verify") in this process and returns its error; an error with an ExitCode method
// carries the exit code the command would have ended with. Soak verifies with it;
// bench scale times those commands as processes of their own, except in a test
// binary, which is not coldset, where it runs them through this.
type Coldset func(ctx context.Context, args []string) error

// benchProduction is the log bench append writes to.
const benchProduction = "bench"

// paths are the subcommands of coldset bench, one per path that matters.
var paths = map[string]struct {
	summary string
	run     func(ctx context.Context, args []string, coldset Coldset) error
}{
	"append": {"durable appends through Log.Do from concurrent writers, beside fsync'd batch writes of the same bytes", runAppend},
	"http":   {"actions and reads through the HTTP API at a fixed request rate (open loop): latency percentiles", runHTTP},
	"verify": {"full verification of a log, beside raw SHA-256 over the same bytes", runVerify},
	"scale":  {"time per event of appends, rebuild, proofs, report and export at growing production sizes", runScale},
	"memory": {"heap and resident memory of a server holding many productions", runMemory},
	"proofs": {"inclusion and consistency proofs on a large in-memory tree", runProofs},
}

// Main is coldset bench: args[0] names the path, the rest are its flags.
func Main(ctx context.Context, args []string, coldset Coldset) error {
	if len(args) == 0 || paths[args[0]].run == nil {
		usage()
		return cli.ExitError{Code: 2}
	}
	return paths[args[0]].run(ctx, args[1:], coldset)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: coldset bench <path> [flags]   (each path measures the limit beneath it in the same run)\n\npaths:")
	for _, n := range slices.Sorted(maps.Keys(paths)) {
		fmt.Fprintf(os.Stderr, "  %-7s %s\n", n, paths[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\ne.g. coldset bench append --writers 1,16,64; coldset bench http --rate 500 --duration 30s")
}

// newFlagSet starts the flags of the bench path called name ("bench http"), with
// the --cpuprofile every path has.
func newFlagSet(name string) (*flag.FlagSet, *profileFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	pf := new(profileFlags)
	pf.register(fs)
	return fs, pf
}

// scratchDirFlag registers --dir, where the paths that fill a store of their own
// make it.
func scratchDirFlag(fs *flag.FlagSet) *string {
	return fs.String("dir", "", "directory for the scratch database (default: the system's temporary directory)")
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
