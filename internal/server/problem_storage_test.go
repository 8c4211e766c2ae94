package server

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"coldset/internal/store"
)

func TestStorageCondition(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"nil", nil, nil},
		{"an ordinary error", errors.New("decode entry 7: bad json"), nil},
		{"the client went away", fmt.Errorf("append: %w", context.Canceled), nil},
		{"the client went away while the store was down", store.Fault(store.ErrUnavailable, context.Canceled), nil},
		{"a backend's disk full", fmt.Errorf("append p: %w", store.Fault(store.ErrDiskFull, errors.New("database or disk is full"))), store.ErrDiskFull},
		{"a backend not answering", fmt.Errorf("size: %w", store.Fault(store.ErrUnavailable, errors.New("connection refused"))), store.ErrUnavailable},
		{"write failed with ENOSPC", fmt.Errorf("write key: %w", syscall.ENOSPC), store.ErrDiskFull},
		{"append timed out", fmt.Errorf("append: %w", context.DeadlineExceeded), store.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := storageCondition(tt.err); got != tt.want {
				t.Errorf("storageCondition(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
