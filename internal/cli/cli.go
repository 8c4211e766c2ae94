// Package cli holds what every coldset command reads and answers alike: the store
// flags (--db, --postgres, --key), flag parsing with usage mistakes as exit code 2,
// and an error that carries an exit code. cmd/coldset and the bench paths it wires
// both use it, so that a flag means the same to each.
package cli

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

// ExitError carries a process exit code without printing anything more: 2 for a
// usage mistake, 1 for a check that failed (a log that does not verify, a soak that
// did not pass).
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitCode is the code the process should exit with; bench's soak reads it to tell a
// log that does not verify from a verify that could not run.
func (e ExitError) ExitCode() int { return e.Code }

// UsageError reports a flag or argument mistake on fs's output, prints fs's usage
// and returns exit code 2.
func UsageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "coldset %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return ExitError{2}
}

// ParseFlags parses args, mapping flag errors to exit code 2; -h is flag.ErrHelp,
// which a command exits 0 on.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ExitError{2}
	}
	if fs.NArg() > 0 {
		return UsageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// EnvOr returns the environment variable name, or def when it is unset or empty.
func EnvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// StoreFlags chooses the store and the deployment key: --db (COLDSET_DB, default
// coldset.db in the working directory) or --postgres (COLDSET_POSTGRES); the key is
// --key (COLDSET_KEY), by default beside the SQLite file.
type StoreFlags struct {
	DB       string
	Postgres string
	Key      string
}

// Register adds --db, --postgres and --key to fs.
func (f *StoreFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.DB, "db", EnvOr("COLDSET_DB", "coldset.db"), "SQLite database file (env COLDSET_DB)")
	fs.StringVar(&f.Postgres, "postgres", os.Getenv("COLDSET_POSTGRES"), "PostgreSQL URL, instead of SQLite (env COLDSET_POSTGRES)")
	fs.StringVar(&f.Key, "key", os.Getenv("COLDSET_KEY"), "deployment key file (env COLDSET_KEY; default: beside the SQLite file, with extension .key)")
}

// KeyPath returns where the deployment key lives. With PostgreSQL there is no file to
// sit beside, so it defaults to the --db default's neighbour in the working directory:
// every process of a deployment must be given the same key file.
func (f *StoreFlags) KeyPath() string {
	if f.Key != "" {
		return f.Key
	}
	return ledger.KeyPathFor(f.DB)
}

// Open opens the chosen backend, once per command: its parts go to what uses them.
// With mustExist, a missing SQLite file is an error rather than a new empty
// database (for commands that only read).
func (f *StoreFlags) Open(ctx context.Context, mustExist bool) (store.Backend, error) {
	if f.Postgres != "" {
		st, err := postgres.Open(ctx, f.Postgres)
		if err != nil {
			return nil, err // not a nil *postgres.Store in a non-nil interface
		}
		return st, nil
	}
	if mustExist {
		if _, err := os.Stat(f.DB); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s", f.DB)
		}
	}
	st, err := sqlite.Open(f.DB)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// OpenWithKey opens the chosen backend, creating a new SQLite database if there is
// none, and loads the deployment key, creating it on first use as serve does: what
// a process that appends to logs needs. On an error nothing is left open.
func (f *StoreFlags) OpenWithKey(ctx context.Context) (store.Backend, *ledger.Signer, error) {
	st, err := f.Open(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	signer, err := ledger.LoadOrCreateKey(f.KeyPath())
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, signer, nil
}
