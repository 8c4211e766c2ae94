package server

import (
	"context"
	"errors"
	"net/http"

	"coldset/internal/store"
)

// kindDiskFull: the store has no room to write; reads still answer.
const kindDiskFull kind = "disk-full"

// storageRetryAfter is the Retry-After, in seconds, of a storage problem: long
// enough not to hammer a store that is restarting, short enough to notice it back.
const storageRetryAfter = "2"

// storageFault maps a store that is not answering, or whose disk is full, to its
// problem (503 "storage unavailable", 507 "disk full") with a Retry-After, and logs
// it as a warning: it is a condition of the deployment, not a bug, and nothing the
// request asked for was acknowledged. It returns nil for any other error.
func (s *Server) storageFault(w http.ResponseWriter, r *http.Request, err error) *apiError {
	var ae *apiError
	switch storageCondition(err) {
	case store.ErrUnavailable:
		ae = &apiError{kind: kindUnavailable, detail: "storage unavailable: the database is not answering; nothing was recorded, try again shortly"}
	case store.ErrDiskFull:
		ae = &apiError{kind: kindDiskFull, detail: "disk full: the database has no room to record this; nothing was recorded until space is freed"}
	default:
		return nil
	}
	s.log.Warn("storage fault", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", storageRetryAfter)
	return ae
}

// storageCondition returns store.ErrUnavailable or store.ErrDiskFull when err
// shows one (the backends mark their drivers' errors), or nil. A cancelled request
// is neither: the client went away, the store did not. A write that found no
// space, and an append that timed out waiting for the store (the request itself
// still wanting an answer), count as the store's whatever wrote or waited.
func storageCondition(err error) error {
	// store.FaultKind judges what any store's errors show (a cancelled request, no
	// space); what is left is what a backend marked, or a wait that timed out.
	return store.FaultKind(err, func(err error) error {
		switch {
		case errors.Is(err, store.ErrDiskFull):
			return store.ErrDiskFull
		case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
			return store.ErrUnavailable
		}
		return nil
	})
}
