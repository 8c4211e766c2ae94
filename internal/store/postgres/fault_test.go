package postgres

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"coldset/internal/store"
)

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

func TestFaultKind(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"nil", nil, nil},
		{"an ordinary error", errors.New("decode entry 7: bad json"), nil},
		{"the client went away", fmt.Errorf("append: %w", context.Canceled), nil},
		{"write failed with ENOSPC", fmt.Errorf("write key: %w", syscall.ENOSPC), store.ErrDiskFull},
		{"postgres disk_full", &pgconn.PgError{Code: "53100"}, store.ErrDiskFull},
		{"postgres shutting down", fmt.Errorf("append: %w", &pgconn.PgError{Code: "57P01"}), store.ErrUnavailable},
		{"postgres starting up", &pgconn.PgError{Code: "57P03"}, store.ErrUnavailable},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, store.ErrUnavailable},
		{"postgres unique violation is no fault of the store", &pgconn.PgError{Code: "23505"}, nil},
		{"postgres connection refused", postgresRefused(t), store.ErrUnavailable},
		{"postgres connection closed", fmt.Errorf("size: %w", pgconn.ErrConnClosed), store.ErrUnavailable},
		{"append timed out", fmt.Errorf("append: %w", context.DeadlineExceeded), store.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := faultKind(tt.err); got != tt.want {
				t.Errorf("faultKind(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
