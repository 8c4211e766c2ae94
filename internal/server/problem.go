package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// kind is a class of error, which fixes its HTTP status.
type kind string

const (
	kindInvalid     kind = "invalid"     // the request is malformed; Field names what
	kindNotFound    kind = "not-found"   // no such production, entry or endpoint
	kindUnavailable kind = "unavailable" // the store is not answering
	kindInternal    kind = "internal"    // anything else: logged, never shown

	kindUnauthorized  kind = "unauthorized"  // no session or API token, or a wrong one
	kindForbidden     kind = "forbidden"     // signed in but not allowed; rule role-required when the rules said so
	kindRefused       kind = "refused"       // the rules refused the action; Rule names which
	kindConflict      kind = "conflict"      // what was to be created exists already
	kindUnprocessable kind = "unprocessable" // well-formed but a value is wrong (rule invalid); Field names it

	kindTooLarge  kind = "too-large"         // the request body is over the limit
	kindMediaType kind = "unsupported-media" // the request body is not JSON
	kindTooMany   kind = "too-many-attempts" // sign-in locked for a while: ratelimit.go
)

var statuses = map[kind]int{
	kindInvalid:     http.StatusBadRequest,
	kindNotFound:    http.StatusNotFound,
	kindUnavailable: http.StatusServiceUnavailable,
	kindInternal:    http.StatusInternalServerError,

	kindUnauthorized:  http.StatusUnauthorized,
	kindForbidden:     http.StatusForbidden,
	kindRefused:       http.StatusConflict,
	kindConflict:      http.StatusConflict,
	kindUnprocessable: http.StatusUnprocessableEntity,

	kindTooLarge:  http.StatusRequestEntityTooLarge,
	kindMediaType: http.StatusUnsupportedMediaType,
	kindTooMany:   http.StatusTooManyRequests,
	kindDiskFull:  http.StatusInsufficientStorage,
}

// apiError is an error with a kind and a message fit for the client.
type apiError struct {
	kind   kind
	field  string
	detail string
	rule   string // the rule of RULES.md behind a refusal
}

func (e *apiError) Error() string { return e.detail }

func invalid(field, format string, args ...any) error {
	return &apiError{kind: kindInvalid, field: field, detail: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{kind: kindNotFound, detail: fmt.Sprintf(format, args...)}
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Field  string `json:"field,omitempty"`
	Rule   string `json:"rule,omitempty"`
}

// writeError is the one place errors become HTTP responses. Errors it does not know
// are internal: logged with the request, answered without their text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = &apiError{kind: kindNotFound, detail: "not found"}
	case errors.Is(err, ledger.ErrBeyondSize):
		ae = &apiError{kind: kindInvalid, detail: err.Error()}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return // the client went away; nobody reads an answer
	default:
		if ae = s.storageFault(w, r, err); ae != nil { // 503 or 507: problem_storage.go
			break
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{kind: kindInternal, detail: "internal error"}
	}
	status := statuses[ae.kind]
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{
		Type:   "/problems/" + string(ae.kind),
		Title:  http.StatusText(status),
		Status: status,
		Detail: ae.detail,
		Field:  ae.field,
		Rule:   ae.rule,
	})
}

// writeJSON answers 200 with v.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	s.writeStatus(w, r, http.StatusOK, v)
}

// writeStatus answers status with v as JSON. v is encoded before anything is written,
// so a value that has no JSON form (a NaN, a cycle) is answered as an internal error,
// logged, rather than as the status with an empty or cut body.
func (s *Server) writeStatus(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		s.writeError(w, r, fmt.Errorf("encode the answer: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
