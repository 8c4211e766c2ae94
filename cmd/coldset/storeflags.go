package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

// storeFlags chooses the store and the deployment key: --db (COLDSET_DB, default
// coldset.db in the working directory) or --postgres (COLDSET_POSTGRES); the key is
// --key (COLDSET_KEY), by default beside the SQLite file.
type storeFlags struct {
	db       string
	postgres string
	key      string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("COLDSET_DB", "coldset.db"), "SQLite database file (env COLDSET_DB)")
	fs.StringVar(&f.postgres, "postgres", os.Getenv("COLDSET_POSTGRES"), "PostgreSQL URL, instead of SQLite (env COLDSET_POSTGRES)")
	fs.StringVar(&f.key, "key", os.Getenv("COLDSET_KEY"), "deployment key file (env COLDSET_KEY; default: beside the SQLite file, with extension .key)")
}

// keyPath returns where the deployment key lives. With PostgreSQL there is no file to
// sit beside, so it defaults to the --db default's neighbour in the working directory:
// every process of a deployment must be given the same key file.
func (f *storeFlags) keyPath() string {
	if f.key != "" {
		return f.key
	}
	return ledger.KeyPathFor(f.db)
}

// open opens the chosen backend, once per command: its parts go to what uses them.
// With mustExist, a missing SQLite file is an error rather than a new empty
// database (for commands that only read).
func (f *storeFlags) open(ctx context.Context, mustExist bool) (store.Backend, error) {
	if f.postgres != "" {
		st, err := postgres.Open(ctx, f.postgres)
		if err != nil {
			return nil, err // not a nil *postgres.Store in a non-nil interface
		}
		return st, nil
	}
	if mustExist {
		if _, err := os.Stat(f.db); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s", f.db)
		}
	}
	st, err := sqlite.Open(f.db)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// usageError is a flag or argument mistake: exit code 2.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "coldset %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitError{2}
}

// parseFlags parses args, mapping flag errors to exit code 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{2}
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}
