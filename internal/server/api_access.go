package server

import (
	"context"
	"errors"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/production"
	"coldset/internal/store"
)

// access is what a signed-in caller may do on the production of a request.
type access struct {
	account auth.Account
	person  string // the caller's person on the production; "" for an admin who is none
	prod    *production.Production
}

// memberHandler is a handler for callers who may see the production {id}.
type memberHandler func(w http.ResponseWriter, r *http.Request, a access)

// member lets through the people of production {id} and studio admins. Anyone else
// gets the same 404 as for a production that does not exist: a member of one
// production learns nothing of another, not even that it exists.
func (s *Server) member(h memberHandler) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, c auth.Account) {
		id := r.PathValue("id")
		person, err := s.personOn(r.Context(), c, id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p, err := s.production(r.Context(), id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, access{account: c, person: person, prod: p})
	})
}

// personOn returns the caller's person on production id ("" for an admin who is not
// one), or the not-found error for a caller who may not see it.
func (s *Server) personOn(ctx context.Context, c auth.Account, id string) (string, error) {
	ms, err := s.memberships(ctx, c.ID, id)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Production == id {
			return m.Person, nil
		}
	}
	if c.Admin {
		return "", nil
	}
	return "", noProduction(id)
}

// production returns the live production id, or the not-found error when it has
// no entries or is not a production.
func (s *Server) production(ctx context.Context, id string) (*production.Production, error) {
	l, err := s.ledger.Existing(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noProduction(id)
	}
	if err != nil {
		return nil, err
	}
	p, err := production.FromLog(l)
	if errors.Is(err, production.ErrNotProduction) { // a bench log: nothing to see
		return nil, noProduction(id)
	}
	return p, err
}

// noProduction is the one answer for a production that does not exist and for one
// the caller may not see, so the two cannot be told apart.
func noProduction(id string) error {
	return notFound("no production %q here, or you are not on it", id)
}
