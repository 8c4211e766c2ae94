package main

import (
	"context"
	"fmt"

	"coldset/internal/bench"
)

// runBench and runSoak are the measurements: internal/bench does the work.
func runBench(ctx context.Context, args []string) error { return bench.Main(ctx, args, inProcess) }
func runSoak(ctx context.Context, args []string) error  { return bench.Soak(ctx, args, inProcess) }

// inProcess runs the report, export or verify command in this process, for bench:
// soak verifies its logs with it, and bench scale times those commands with it when
// it runs inside a test binary.
func inProcess(ctx context.Context, args []string) error {
	run, ok := map[string]func(context.Context, []string) error{"report": runReport, "export": runExport, "verify": runVerify}[args[0]]
	if !ok {
		return fmt.Errorf("coldset %s: not a command bench runs", args[0])
	}
	return run(ctx, args[1:])
}
