// Command coldset keeps the safety record of productions that use prop firearms.
package main

import (
	"coldset/internal/cli"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// command is one subcommand of the coldset binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{
	"serve":      {"run the server (HTTP API, pages, scheduler)", runServe},
	"replay":     {"play scenario files through the rules and check their expectations", runReplay},
	"verify":     {"recompute every log from its stored entries and check its checkpoints", runVerify},
	"checkpoint": {"print a production's latest signed checkpoint", runCheckpoint},
	"key":        {"print the deployment's public verifier key", runKey},
	"bench":      {"measure coldset on this machine", runBench},
	"user":       {"add accounts, grant them a person on a production, list them, print a password link", runUser},
	"token":      {"create, list and revoke API tokens", runToken},
	"report":     {"build a production's investigation or daily safety report (json, html, pdf)", runReport},
	"export":     {"write a production's evidence bundle (entries, proofs, checkpoint, report)", runExport},
	"backup":     {"write a consistent backup of the store while it serves", runBackup},
	"restore":    {"load a backup into an empty store and verify it", runRestore},
	"soak":       {"run a server under a mixed load for a while: no 5xx, flat memory, every log verifies", runSoak},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "coldset: unknown command %q\n", args[0])
		usage()
		return 2
	}
	err := cmd.run(ctx, args[1:])
	var ee cli.ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return ee.Code
	default:
		fmt.Fprintf(os.Stderr, "coldset %s: %v\n", args[0], err)
		return 1
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: coldset <command> [flags]\n\ncommands:")
	for _, n := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintf(os.Stderr, "  %-11s %s\n", n, commands[n].summary)
	}
}
