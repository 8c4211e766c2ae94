package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"coldset/internal/auth"
)

// maxRequestBody bounds every JSON request body of the API: the largest real action
// (a scene plan, a safety meeting's attendees) is a few kilobytes.
const maxRequestBody = 64 << 10

// api is the part of the server that knows accounts: sign-in, productions, people
// and actions.
type api struct {
	accounts auth.Store
	auth     *authCache // what authenticating a request reads: auth_cache.go
	// now is the server clock: the time of every action and tick. Tests set it;
	// nothing over HTTP can.
	now func() time.Time
	// inviting makes invitations one at a time: invitePerson.
	inviting sync.Mutex
}

// registerAPI registers the account and action routes. Every route that changes
// something is wrapped in cross-origin protection: a page on another site cannot
// make a signed-in browser act (SameSite=Lax cookies are a second guard).
func (s *Server) registerAPI(cfg Config) {
	s.api = api{accounts: cfg.Accounts, auth: newAuthCache(), now: time.Now}
	if s.api.accounts == nil && cfg.Store != nil {
		s.api.accounts = cfg.Store
	}
	cop := http.NewCrossOriginProtection()
	handle := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, cop.Handler(h)) }

	handle("GET /api/openapi.json", s.openAPI)
	handle("POST /api/session", s.signIn)
	handle("GET /api/session", s.authed(s.whoAmI))
	handle("DELETE /api/session", s.signOut)
	handle("GET /api/productions", s.authed(s.listProductions))
	handle("POST /api/productions", s.authed(s.createProduction))
	handle("GET /api/productions/{id}", s.member(s.getProduction))
	handle("POST /api/productions/{id}/people", s.member(s.invite))
	handle("POST /api/productions/{id}/actions", s.member(s.act))
	s.registerContacts(handle)
	s.registerTokens(handle) // api_tokens.go
}

// decodeJSON reads one JSON value from the request body into v: at most
// maxRequestBody bytes, no fields v does not have, nothing after the value. Every
// failure is invalid (400), naming the field when one is at fault.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return invalid("", "the request body must hold one JSON object and nothing after it")
		}
		return nil
	}
	var tooLarge *http.MaxBytesError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return invalid("", "the request body is larger than %d bytes", tooLarge.Limit)
	case errors.As(err, &typ):
		return invalid(typ.Field, "%s must be a JSON %s, not %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(field, "unknown field %q", field)
	case errors.Is(err, io.EOF):
		return invalid("", "the request body is empty; send a JSON object")
	}
	return invalid("", "the request body is not valid JSON: %v", err)
}

// jsonType names a Go kind the way JSON does, for messages.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	}
	return "number"
}
