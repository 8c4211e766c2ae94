package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotEmpty reports a restore into a store that already holds data: restoring
// over it would throw records away, so it is refused unless forced.
var ErrNotEmpty = errors.New("the target store is not empty")

// A backup archive — what `coldset backup` writes and `coldset restore` reads, from
// and to either backend — is one SQLite database file in coldset's SQLite schema:
// the tables of internal/store/sqlite/migrations with their schema_migrations rows,
// in rollback-journal mode (no -wal file beside it), so that it is a single file
// that any SQLite 3 can open. Times are Unix microseconds UTC as in the SQLite
// store, PostgreSQL's -infinity and infinity being the least and greatest int64;
// booleans are 0 or 1; JSON is text. It holds everything coldset stores — entries,
// checkpoints, accounts, credentials, memberships, contacts, the outbox and its
// attempts, witness cosignatures — and not the deployment key, which lives in its
// own file and must be kept (and copied on restore) separately.

// ArchiveTable is one table of a backup archive and its columns, in declaration
// order.
type ArchiveTable struct {
	Name    string
	Columns []string
}

// Archive is a backup archive being written or read. The SQLite backend makes
// and opens them, its schema being the archive's; a backend that writes or reads
// archives of its own database (PostgreSQL) is handed one by its caller. An
// Archive is not safe for concurrent use.
type Archive interface {
	// Tables lists the archive's data tables (all but schema_migrations), by name.
	Tables(ctx context.Context) ([]ArchiveTable, error)
	// Scan calls fn with every row of table, the values of cols in order: int64,
	// float64, string, []byte or nil, as SQLite holds them.
	Scan(ctx context.Context, table string, cols []string, fn func(vals []any) error) error
	// Load runs fn in one transaction on the archive; put inserts one row.
	Load(ctx context.Context, fn func(put func(table string, cols []string, vals []any) error) error) error
	// Seal makes a written archive one self-contained file, syncs it and closes it.
	Seal(ctx context.Context) error
	// Close closes the archive and removes any temporary copy.
	Close() error
}

// Publish renames a complete, synced file at tmp to out and syncs out's
// directory, so that after a crash out is either absent or whole. tmp is removed
// if the rename fails.
func Publish(tmp, out string) error {
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", out, err)
	}
	return syncDir(filepath.Dir(out))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
