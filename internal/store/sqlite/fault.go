package sqlite

import (
	"context"
	"errors"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"coldset/internal/store"
)

// markFault marks *err with store.ErrDiskFull or store.ErrUnavailable when it
// shows the database out of room or not answering, so that callers can tell a
// condition of the deployment from a bug without knowing SQLite's result codes.
// Every exported method of Store defers it.
func markFault(err *error) {
	if kind := faultKind(*err); kind != nil {
		*err = store.Fault(kind, *err)
	}
}

// faultKind returns the condition err shows, or nil. A cancelled request is none:
// the client went away, the store did not.
func faultKind(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return store.ErrDiskFull
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return codeKind(se.Code())
	}
	return nil
}

// codeKind classifies an SQLite result code; extended codes carry the primary
// code in their low byte.
func codeKind(code int) error {
	if code == sqlite3.SQLITE_IOERR_SHMSIZE {
		// Growing the WAL index failed: on Linux, only for want of space.
		return store.ErrDiskFull
	}
	switch code & 0xff {
	case sqlite3.SQLITE_FULL:
		return store.ErrDiskFull
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM:
		return store.ErrUnavailable
	}
	return nil
}
