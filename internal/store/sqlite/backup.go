package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"coldset/internal/store"
)

// Backup writes a consistent copy of the database file at dbPath to a new archive
// at out (see internal/store/backup.go), while other processes go on appending to
// it. The copy is SQLite's VACUUM INTO, made in one read transaction: it holds
// exactly the transactions committed when it began, and it neither blocks writers
// nor waits for them. out appears only once complete and synced.
func Backup(ctx context.Context, dbPath, out string) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup to %s: %w", out, fs.ErrExist)
	}
	tmp := out + ".partial"
	os.Remove(tmp) // left by a backup that was interrupted
	db, err := rawOpen(fmt.Sprintf("%s?_pragma=busy_timeout(%d)", dbPath, busyTimeoutMillis))
	if err != nil {
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", tmp)
	db.Close()
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	a, err := rawOpen(tmp)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	if err := (&Archive{db: a, path: tmp, cleanup: func() {}}).Seal(ctx); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	return store.Publish(tmp, out)
}

// Restore makes the database file at dbPath a copy of the archive (brought up to
// the current schema if an older coldset wrote it). A database at dbPath that
// holds any row is left alone and ErrNotEmpty returned, unless force; with force
// it is replaced whole, its -wal and -shm files removed. No server may have
// dbPath open while it runs: stop it first.
func Restore(ctx context.Context, archive, dbPath string, force bool) error {
	if err := checkArchive(archive); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		empty, err := isEmpty(ctx, dbPath)
		if err != nil {
			return fmt.Errorf("restore to %s: %w", dbPath, err)
		}
		if !empty && !force {
			return fmt.Errorf("restore to %s: %w (use --force to replace it)", dbPath, store.ErrNotEmpty)
		}
	}
	tmp := dbPath + ".restoring"
	os.Remove(tmp)
	if err := copyFile(archive, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	for _, stale := range []string{dbPath + "-wal", dbPath + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("restore to %s: %w", dbPath, err)
		}
	}
	if err := store.Publish(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	s, err := Open(dbPath) // migrates and turns WAL on
	if err != nil {
		return fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	return s.Close()
}

// isEmpty reports whether the database at path holds no row in any data table.
func isEmpty(ctx context.Context, path string) (bool, error) {
	db, err := rawOpen(fmt.Sprintf("%s?_pragma=busy_timeout(%d)", path, busyTimeoutMillis))
	if err != nil {
		return false, err
	}
	defer db.Close()
	n, err := counts(ctx, db)
	if err != nil {
		return false, err
	}
	for _, c := range n {
		if c > 0 {
			return false, nil
		}
	}
	return true, nil
}
