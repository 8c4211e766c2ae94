package server

import (
	"context"
	"errors"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/production"
	"coldset/internal/rules"
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

// may reports whether the caller may read what of the production: the read policy of
// rules.State.MayRead for a person on it. A studio admin who is not a person on it
// reads its status, to set it up; the words of its record are for its people.
func (a access) may(what rules.Read) bool {
	if a.person == "" {
		return a.account.Admin && what == rules.ReadStatus
	}
	ok := false
	a.prod.View(func(st *rules.State) { ok = st.MayRead(a.person, what) })
	return ok
}

// member lets through the people of production {id} and studio admins. Anyone else
// gets the same 404 as for a production that does not exist: a member of one
// production learns nothing of another, not even that it exists.
func (s *Server) member(h memberHandler) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, c auth.Account) {
		a, err := s.accessTo(r.Context(), c, r.PathValue("id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, a)
	})
}

// accessTo returns what the caller may do on production id: the person they act as
// ("" for a studio admin who is none) and the production. A caller who may not see it
// gets the not-found error: not on it, or on it with every role removed (the account
// stays bound to that person, so that an id always means one account, but reads and
// does nothing there until given a role again).
func (s *Server) accessTo(ctx context.Context, c auth.Account, id string) (access, error) {
	ms, err := s.memberships(ctx, c.ID, id)
	if err != nil {
		return access{}, err
	}
	person := ""
	for _, m := range ms {
		if m.Production == id {
			person = m.Person
		}
	}
	if person == "" && !c.Admin {
		return access{}, noProduction(id)
	}
	p, err := s.production(ctx, id)
	if err != nil {
		return access{}, err
	}
	person, ok := actsAs(p, c, person)
	if !ok {
		return access{}, noProduction(id)
	}
	return access{account: c, person: person, prod: p}, nil
}

// actsAs returns who account c acts as on p, given its membership's person ("" for
// none), and whether it may see p at all: a person taken off it (no roles left) may
// not, unless a studio admin, who then sets it up as no person.
func actsAs(p *production.Production, c auth.Account, person string) (string, bool) {
	on := false
	if person != "" {
		p.View(func(st *rules.State) { on = st.On(person) })
	}
	switch {
	case on:
		return person, true
	case c.Admin:
		return "", true
	}
	return "", false
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
	return production.FromLog(l)
}

// noProduction is the one answer for a production that does not exist and for one
// the caller may not see, so the two cannot be told apart.
func noProduction(id string) error {
	return notFound("no production %q here, or you are not on it", id)
}
