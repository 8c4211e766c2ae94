package sqlite

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"coldset/internal/store"
)

// markFault marks *err with store.ErrDiskFull or store.ErrUnavailable when it
// shows the database out of room or not answering (SQLite's result codes read by
// driverKind). Every exported method of Store defers it.
func markFault(err *error) { store.MarkFault(err, driverKind) }

// faultKind returns the condition err shows, or nil.
func faultKind(err error) error { return store.FaultKind(err, driverKind) }

// driverKind classifies an error of the SQLite driver by its result code.
func driverKind(err error) error {
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
