package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"coldset/internal/cli"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

const backupUsage = `usage: coldset backup --out FILE [--db FILE | --postgres URL]

Writes a consistent copy of everything coldset stores — every production's entries
and checkpoints, accounts, credentials, memberships, contacts, the outbox, witness
cosignatures — to FILE, while servers keep running. The copy is one snapshot: a
SQLite VACUUM INTO of --db, or one REPEATABLE READ transaction over --postgres.

FILE is a single SQLite database file in coldset's SQLite schema, whichever store it
came from (times in Unix microseconds, booleans 0/1, JSON as text), so a backup of
either store restores into either with coldset restore, and any SQLite 3 can read it.
It does not hold the deployment key: keep the key file (coldset.key) safe separately;
a restore needs it.
`

// runBackup writes a backup archive of the chosen store and prints what it holds.
func runBackup(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), backupUsage)
		fs.PrintDefaults()
	}
	var sf cli.StoreFlags
	sf.Register(fs)
	out := fs.String("out", "", "the backup file to write; it must not exist")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return cli.UsageError(fs, "--out is required")
	}
	var err error
	if sf.Postgres != "" {
		err = postgres.Backup(ctx, sf.Postgres, *out, createArchive)
	} else {
		err = sqlite.Backup(ctx, sf.DB, *out)
	}
	if err != nil {
		return err
	}
	return describeArchive(ctx, os.Stdout, *out)
}

// createArchive makes an empty archive for postgres.Backup: the archive is
// SQLite's, so the sqlite package makes it.
func createArchive(path string) (store.Archive, error) {
	a, err := sqlite.CreateArchive(path)
	if err != nil {
		return nil, err // not a nil *sqlite.Archive in a non-nil interface
	}
	return a, nil
}

// describeArchive prints an archive's schema version and the rows of each table.
func describeArchive(ctx context.Context, w io.Writer, path string) error {
	a, err := sqlite.OpenArchive(path)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	n, err := a.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: schema version %d\n", path, v)
	for _, t := range slices.Sorted(maps.Keys(n)) {
		fmt.Fprintf(w, "  %-22s %d rows\n", t, n[t])
	}
	return nil
}
