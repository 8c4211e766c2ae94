package faults_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"

	"coldset/internal/faults"
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

// postgresRefused returns the error of connecting to a port nothing listens on.
func postgresRefused(t *testing.T) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	return err
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want faults.Kind
	}{
		{"nil", nil, faults.None},
		{"an ordinary error", errors.New("decode entry 7: bad json"), faults.None},
		{"the client went away", fmt.Errorf("append: %w", context.Canceled), faults.None},
		{"sqlite database full", sqliteFull(t), faults.DiskFull},
		{"write failed with ENOSPC", fmt.Errorf("write key: %w", syscall.ENOSPC), faults.DiskFull},
		{"postgres disk_full", &pgconn.PgError{Code: "53100"}, faults.DiskFull},
		{"postgres shutting down", fmt.Errorf("append: %w", &pgconn.PgError{Code: "57P01"}), faults.Unavailable},
		{"postgres starting up", &pgconn.PgError{Code: "57P03"}, faults.Unavailable},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, faults.Unavailable},
		{"postgres unique violation is no fault of the store", &pgconn.PgError{Code: "23505"}, faults.None},
		{"postgres connection refused", postgresRefused(t), faults.Unavailable},
		{"postgres connection closed", fmt.Errorf("size: %w", pgconn.ErrConnClosed), faults.Unavailable},
		{"append timed out", fmt.Errorf("append: %w", context.DeadlineExceeded), faults.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := faults.Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
