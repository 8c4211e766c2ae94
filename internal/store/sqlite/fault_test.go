package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"

	"coldset/internal/store"
)

// sqliteFull returns the error SQLite gives when a write does not fit: the database
// is capped at its current size, as a full disk would cap it.
func sqliteFull(t *testing.T) error {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, q := range []string{"CREATE TABLE t (b BLOB)", "PRAGMA max_page_count = 3"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (zeroblob(100000))")
	if err == nil {
		t.Fatal("insert past max_page_count succeeded")
	}
	return fmt.Errorf("append p: insert: %w", err)
}

func TestFaultKind(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"nil", nil, nil},
		{"an ordinary error", errors.New("decode entry 7: bad json"), nil},
		{"the client went away", fmt.Errorf("append: %w", context.Canceled), nil},
		{"sqlite database full", sqliteFull(t), store.ErrDiskFull},
		{"write failed with ENOSPC", fmt.Errorf("write key: %w", syscall.ENOSPC), store.ErrDiskFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := faultKind(tt.err); got != tt.want {
				t.Errorf("faultKind(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestFullDatabaseIsDiskFull checks that a Store method hands the condition on.
func TestFullDatabaseIsDiskFull(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "coldset.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// The write pool's one connection is the one appends use: capped at the pages
	// the file has, as a full disk would cap it.
	if _, err := s.write.ExecContext(ctx, "PRAGMA max_page_count = 1"); err != nil {
		t.Fatal(err)
	}
	// Appending entries and a checkpoint needs pages the capped file does not have.
	err = s.Append(ctx, "p", 0, [][]byte{make([]byte, 1<<20)}, []byte("checkpoint"))
	if !errors.Is(err, store.ErrDiskFull) {
		t.Errorf("Append to a full database: err = %v, want ErrDiskFull", err)
	}
}
