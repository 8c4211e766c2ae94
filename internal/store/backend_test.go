package store_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"coldset/internal/store"
)

func TestFault(t *testing.T) {
	cause := &fs.PathError{Op: "write", Path: "coldset.db", Err: errors.New("no room")}
	err := fmt.Errorf("append p: %w", store.Fault(store.ErrDiskFull, cause))
	if !errors.Is(err, store.ErrDiskFull) {
		t.Errorf("errors.Is(%v, ErrDiskFull) = false, want true", err)
	}
	if errors.Is(err, store.ErrUnavailable) {
		t.Errorf("errors.Is(%v, ErrUnavailable) = true, want false", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe != cause {
		t.Errorf("errors.As(%v, *fs.PathError) does not find the driver's error", err)
	}
	if got, want := err.Error(), "append p: write coldset.db: no room"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if store.Fault(store.ErrUnavailable, nil) != nil {
		t.Error("Fault of nil is not nil")
	}
}
