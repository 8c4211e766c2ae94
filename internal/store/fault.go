package store

import (
	"context"
	"errors"
	"syscall"
)

// FaultKind returns the condition err shows, ErrDiskFull or ErrUnavailable, or nil:
// first what any backend's errors can show (the operating system out of space),
// then what only the backend's driver can tell, through driver (which returns nil
// for an error that shows neither). A cancelled request is none: the client went away, the store
// did not.
func FaultKind(err error, driver func(error) error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return ErrDiskFull
	}
	return driver(err)
}

// MarkFault marks *err with the condition FaultKind finds in it, so that callers
// can tell a condition of the deployment from a bug without knowing the driver. A
// backend's methods defer it on their named error.
func MarkFault(err *error, driver func(error) error) {
	if kind := FaultKind(*err, driver); kind != nil {
		*err = Fault(kind, *err)
	}
}
