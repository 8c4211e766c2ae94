package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"coldset/internal/store"
)

// markFault marks *err with store.ErrDiskFull or store.ErrUnavailable when it
// shows the database out of room or not answering (pgx's errors read by
// driverKind). Every exported method of Store defers it.
func markFault(err *error) { store.MarkFault(err, driverKind) }

// faultKind returns the condition err shows, or nil.
func faultKind(err error) error { return store.FaultKind(err, driverKind) }

// driverKind classifies an error of pgx: a SQLSTATE, or a connection that failed,
// closed or timed out.
func driverKind(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return stateKind(pe.Code)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return store.ErrUnavailable
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.ErrUnexpectedEOF):
		return store.ErrUnavailable
	case pgconn.Timeout(err), pgconn.SafeToRetry(err):
		return store.ErrUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		// An append that timed out waiting for the store (the request itself
		// still wants an answer).
		return store.ErrUnavailable
	}
	return nil
}

// stateKind classifies a PostgreSQL SQLSTATE: class 08 (connection exception),
// 53 (insufficient resources: 53100 is disk_full), 57P (the server shutting down,
// crashed or starting), 58 (system error, such as an I/O error).
func stateKind(state string) error {
	switch {
	case state == "53100":
		return store.ErrDiskFull
	case strings.HasPrefix(state, "08"), strings.HasPrefix(state, "53"), strings.HasPrefix(state, "57P"), strings.HasPrefix(state, "58"):
		return store.ErrUnavailable
	}
	return nil
}
