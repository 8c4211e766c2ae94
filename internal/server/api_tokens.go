package server

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"coldset/internal/auth"
)

// An account's own API tokens: listed by id (the start of the stored hash, which
// signs nobody in) and revoked one by one. A revoked token is refused from the next
// request on. Tokens are made with coldset token create; the command line lists and
// revokes any account's (coldset token list, coldset token revoke).

func (s *Server) registerTokens(handle func(string, http.HandlerFunc)) {
	handle("GET /api/tokens", s.authed(s.listTokens))
	handle("DELETE /api/tokens/{id}", s.authed(s.revokeToken))
}

// tokenJSON is one API token as the API shows it: never its secret.
type tokenJSON struct {
	ID      string     `json:"id"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires,omitempty"`
	Current bool       `json:"current"` // the request was sent with it
}

type tokensJSON struct {
	Tokens []tokenJSON `json:"tokens"`
}

// listTokens answers the caller's API tokens, oldest first.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, c auth.Account) {
	cs, err := s.api.accounts.Credentials(r.Context(), c.ID, auth.KindToken, s.api.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	current := bearerHash(r)
	out := tokensJSON{Tokens: []tokenJSON{}}
	for _, cr := range cs {
		t := tokenJSON{ID: auth.CredentialID(cr.Hash), Created: cr.Created, Current: bytes.Equal(cr.Hash, current)}
		if !cr.Expires.IsZero() {
			t.Expires = &cr.Expires
		}
		out.Tokens = append(out.Tokens, t)
	}
	s.writeStatus(w, r, http.StatusOK, out)
}

// revokeToken removes one of the caller's API tokens: 204, or 404 when the caller
// has no token with that id (another account's token is not the caller's to name).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, c auth.Account) {
	id := r.PathValue("id")
	cs, err := s.api.accounts.Credentials(r.Context(), c.ID, auth.KindToken, s.api.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, cr := range cs {
		if auth.CredentialID(cr.Hash) != strings.ToLower(id) {
			continue
		}
		if err := s.api.accounts.DeleteCredential(r.Context(), cr.Hash); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.forgetAuth(c.ID)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeError(w, r, notFound("you have no API token %q; GET /api/tokens lists yours", id))
}

// bearerHash is the stored hash of the request's API token, or nil.
func bearerHash(r *http.Request) []byte {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil
	}
	return auth.HashToken(strings.TrimSpace(token))
}
