package main

import (
	"context"
	"flag"
	"fmt"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

const restoreUsage = `usage: coldset restore --in FILE [--db FILE | --postgres URL] [--key FILE] [--force]

Loads a backup written by coldset backup (from either store) into --db or
--postgres, bringing it up to this coldset's schema, then verifies every
production's log against its checkpoints as coldset verify does. Stop the servers
of the target store first.

A target that holds any data is refused unless --force, which replaces it whole.
The deployment key the backup's checkpoints were signed with must be at --key (by
default beside the --db file): restore checks it is there before changing
anything, since a server started without it would make a new key.
`

// runRestore restores a backup archive into the chosen store and verifies it.
func runRestore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), restoreUsage)
		fs.PrintDefaults()
	}
	var sf cli.StoreFlags
	sf.Register(fs)
	in := fs.String("in", "", "the backup file to restore")
	force := fs.Bool("force", false, "replace a target store that holds data")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return cli.UsageError(fs, "--in is required")
	}
	if _, err := ledger.LoadKey(sf.KeyPath()); err != nil {
		return fmt.Errorf("the deployment key the backup was signed with is needed (copy its key file to %s or pass --key): %w", sf.KeyPath(), err)
	}
	var err error
	if sf.Postgres != "" {
		err = restorePostgres(ctx, sf.Postgres, *in, *force)
	} else {
		err = sqlite.Restore(ctx, *in, sf.DB, *force)
	}
	if err != nil {
		return err
	}
	fmt.Printf("restored %s\n", *in)
	verifyArgs := []string{"--key", sf.KeyPath()}
	if sf.Postgres != "" {
		verifyArgs = append(verifyArgs, "--postgres", sf.Postgres)
	} else {
		verifyArgs = append(verifyArgs, "--db", sf.DB, "--postgres", "")
	}
	return runVerify(ctx, verifyArgs)
}

// restorePostgres restores the archive at path into the PostgreSQL database at
// url: the archive is SQLite's, so the sqlite package opens it.
func restorePostgres(ctx context.Context, url, path string, force bool) error {
	a, err := sqlite.OpenArchive(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer a.Close()
	return postgres.Restore(ctx, url, a, force)
}
