// Package faults tells the storage failures a client can wait out from the ones it
// cannot: a database that is not answering or a disk that is full are conditions of
// the deployment, reported as such (HTTP 503 or 507) rather than as a bug (500).
// It knows the error types of both store backends' drivers, so that the server
// need not.
package faults

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Kind is a class of storage failure.
type Kind int

const (
	// None: not a storage condition; the error means what it says.
	None Kind = iota
	// Unavailable: the store is not answering (down, restarting, unreachable,
	// locked). Retrying later may succeed; nothing was acknowledged.
	Unavailable
	// DiskFull: the store has no room to write. Reads still work; writes succeed
	// again once space is freed, without a restart.
	DiskFull
)

func (k Kind) String() string {
	switch k {
	case Unavailable:
		return "storage unavailable"
	case DiskFull:
		return "disk full"
	}
	return "none"
}

// Classify returns the kind of storage failure err is, looking through wrapped
// errors. A cancelled request is None: the client went away, the store did not.
func Classify(err error) Kind {
	if err == nil || errors.Is(err, context.Canceled) {
		return None
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return DiskFull
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return sqliteKind(se.Code())
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return postgresKind(pe.Code)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return Unavailable
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.ErrUnexpectedEOF):
		return Unavailable
	case pgconn.Timeout(err), pgconn.SafeToRetry(err):
		return Unavailable
	case errors.Is(err, context.DeadlineExceeded):
		// An append that timed out waiting for the store (the request itself
		// still wants an answer).
		return Unavailable
	}
	return None
}

// sqliteKind classifies an SQLite result code; extended codes carry the primary
// code in their low byte.
func sqliteKind(code int) Kind {
	if code == sqlite3.SQLITE_IOERR_SHMSIZE {
		// Growing the WAL index failed: on Linux, only for want of space.
		return DiskFull
	}
	switch code & 0xff {
	case sqlite3.SQLITE_FULL:
		return DiskFull
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM:
		return Unavailable
	}
	return None
}

// postgresKind classifies a PostgreSQL SQLSTATE: class 08 (connection exception),
// 53 (insufficient resources: 53100 is disk_full), 57P (the server shutting down,
// crashed or starting), 58 (system error, such as an I/O error).
func postgresKind(state string) Kind {
	switch {
	case state == "53100":
		return DiskFull
	case strings.HasPrefix(state, "08"), strings.HasPrefix(state, "53"), strings.HasPrefix(state, "57P"), strings.HasPrefix(state, "58"):
		return Unavailable
	}
	return None
}
