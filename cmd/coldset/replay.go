package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	// Scenario time zones must resolve the same on every machine, with or without
	// the system's zoneinfo.
	_ "time/tzdata"

	"coldset/internal/cli"
	"coldset/internal/scenario"
)

const replayUsage = `usage: coldset replay [--json] [--keep DIR] FILE...

Plays each scenario file through the rules on a fresh ledger and checks every
expectation. Prints one line per failed expectation and a PASS or FAIL line per file.

  --json      print one JSON object per step on stdout, nothing else (PASS/FAIL lines
              and errors go to stderr)
  --keep DIR  keep the ledger: DIR/coldset.db with its signing key beside it
              (DIR/coldset.key), as "coldset serve --db DIR/coldset.db" would keep it;
              with several files, each in DIR/<production-id>/

Exit status: 0 when every expectation of every file holds, 1 when one fails, 2 for
usage errors and unreadable or invalid files (the other files still run).
`

func runReplay(ctx context.Context, args []string) error {
	if code := replay(ctx, args, os.Stdout, os.Stderr); code != 0 {
		return cli.ExitError{Code: code}
	}
	return nil
}

// replay runs the replay command and returns its exit status.
func replay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, replayUsage) }
	asJSON := fs.Bool("json", false, "")
	keep := fs.String("keep", "", "")
	// Flags may come after the files too: "coldset replay a.yaml --json".
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		files, args = append(files, args[0]), args[1:]
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	summary := stdout
	if *asJSON {
		summary = stderr
	}
	enc := json.NewEncoder(stdout)
	code := 0
	for _, path := range files {
		code = max(code, replayFile(ctx, path, dbFor(*keep, len(files)), *asJSON, enc, summary, stderr))
	}
	return code
}

// dbFor returns where to keep a file's ledger: nothing without --keep, DIR/coldset.db
// for one file, and a function giving DIR/<production-id>/coldset.db for several.
func dbFor(keep string, files int) func(production string) string {
	return func(production string) string {
		switch {
		case keep == "":
			return ""
		case files == 1:
			return filepath.Join(keep, "coldset.db")
		default:
			return filepath.Join(keep, production, "coldset.db")
		}
	}
}

// replayFile replays one file and returns its exit status.
func replayFile(ctx context.Context, path string, db func(string) string, asJSON bool, enc *json.Encoder, summary, stderr io.Writer) int {
	f, err := scenario.ParseFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "coldset replay: %v\n", err)
		return 2
	}
	reports, err := scenario.Replay(ctx, f, scenario.Options{DB: db(f.Production.ID)})
	failed := 0
	for _, r := range reports {
		if !r.OK {
			failed++
		}
		if asJSON {
			if err := enc.Encode(r); err != nil {
				fmt.Fprintf(stderr, "coldset replay: %v\n", err)
				return 1
			}
			continue
		}
		for _, fl := range r.Failures {
			fmt.Fprintf(summary, "%s: %s: %s\n", path, r.Describe(), fl)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "coldset replay: %v\n", err)
		fmt.Fprintf(summary, "FAIL %s: stopped after %d of %d steps\n", f.Name, len(reports), len(f.Steps))
		if errors.Is(err, scenario.ErrLedgerExists) {
			return 2
		}
		return 1
	}
	if failed > 0 {
		fmt.Fprintf(summary, "FAIL %s: %d of %d steps failed\n", f.Name, failed, len(f.Steps))
		return 1
	}
	fmt.Fprintf(summary, "PASS %s (%d steps)\n", f.Name, len(f.Steps))
	return 0
}
