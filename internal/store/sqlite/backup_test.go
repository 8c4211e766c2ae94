package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/sqlite"
)

// TestRestoreOlderBackup restores a backup written by the first schema (the
// fixture is exactly such a file), backs the result up again and restores that:
// each step verifies, and a restore over data is refused unless forced.
func TestRestoreOlderBackup(t *testing.T) {
	ctx := context.Background()
	signer, err := ledger.LoadKey(fixtureKey)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(t *testing.T, path string) uint64 {
		t.Helper()
		st, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		v, err := ledger.Verify(ctx, st, signer.Verifier(), fixtureID, nil)
		if err != nil || v.Size == 0 {
			t.Fatalf("verify %s: %+v, %v", path, v, err)
		}
		return v.Size
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "coldset.db")
	if err := sqlite.Restore(ctx, fixtureDB, db, false); err != nil {
		t.Fatalf("restore an older backup: %v", err)
	}
	size := verify(t, db)

	backup := filepath.Join(dir, "backup.sqlite")
	if err := sqlite.Backup(ctx, db, backup); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.Backup(ctx, db, backup); !errors.Is(err, os.ErrExist) {
		t.Errorf("backup over an existing file: %v, want it refused", err)
	}
	for _, leftover := range []string{backup + "-wal", backup + ".partial"} {
		if _, err := os.Stat(leftover); err == nil {
			t.Errorf("%s is left beside the backup: it must be one file", leftover)
		}
	}
	if err := sqlite.Restore(ctx, backup, db, false); !errors.Is(err, store.ErrNotEmpty) {
		t.Fatalf("restore over data: %v, want ErrNotEmpty", err)
	}
	if err := sqlite.Restore(ctx, backup, db, true); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	if got := verify(t, db); got != size {
		t.Fatalf("after backup and restore the log has %d entries, %d before", got, size)
	}
	if err := sqlite.Restore(ctx, filepath.Join(dir, "nothing"), filepath.Join(dir, "x.db"), false); err == nil {
		t.Error("restore from a missing file succeeded")
	}
}
