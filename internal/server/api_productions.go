package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// productionItem is one production in the list a caller may see.
type productionItem struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Risk   string   `json:"risk"`
	Holds  []string `json:"holds"`
	Person string   `json:"person,omitempty"` // the caller's person on it
}

// listProductions answers the productions the caller may see: a member those they
// are a person on, a studio admin every one.
func (s *Server) listProductions(w http.ResponseWriter, r *http.Request, c auth.Account) {
	ms, err := s.api.accounts.Memberships(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	person := map[string]string{}
	var ids []string
	for _, m := range ms {
		person[m.Production] = m.Person
		ids = append(ids, m.Production)
	}
	if c.Admin {
		if ids, err = s.ledger.Productions(r.Context()); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	out := []productionItem{}
	for _, id := range ids {
		p, err := s.production(r.Context(), id)
		var ae *apiError
		if errors.As(err, &ae) && ae.kind == kindNotFound {
			continue // granted before it was created, or a bench log
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		it := productionItem{ID: id, Person: person[id]}
		p.View(func(st *rules.State) {
			ov := st.Overview()
			it.Name, it.Risk, it.Holds = ov.Name, ov.Risk.Level, st.Holds()
		})
		out = append(out, it)
	}
	writeJSON(w, out)
}

// createProductionRequest is production.create's "with" map.
type createProductionRequest struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Timezone string          `json:"timezone"`
	Config   json.RawMessage `json:"config,omitempty"`
}

// createProduction has a studio admin create a production: production.create by the
// deployment itself. The command is decided on an empty state first, so a refused
// creation leaves no log behind (a log holding only a refusal would take the id).
func (s *Server) createProduction(w http.ResponseWriter, r *http.Request, c auth.Account) {
	if !c.Admin {
		s.writeError(w, r, forbidden("", "only a studio admin creates productions"))
		return
	}
	var req createProductionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := ledger.ValidProduction(req.ID); err != nil {
		s.writeError(w, r, &apiError{kind: kindUnprocessable, rule: rules.Invalid, field: "id", detail: err.Error()})
		return
	}
	with, err := json.Marshal(req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cmd := rules.Command{Do: "production.create", With: with}
	now := s.api.now()
	if res := rules.Summarize(rules.New().Decide(rules.Actor{}, cmd, now)); res.Outcome == rules.Refused {
		s.writeError(w, r, refusal(res, "with."))
		return
	}
	if n, err := s.ledger.Store().Size(r.Context(), req.ID); err != nil || n > 0 {
		if err == nil {
			err = &apiError{kind: kindConflict, field: "id", detail: "a production with id " + req.ID + " exists already; choose another id"}
		}
		s.writeError(w, r, err)
		return
	}
	l, err := s.ledger.Log(r.Context(), req.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := production.FromLog(l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := p.Do(r.Context(), rules.Actor{}, cmd, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.Outcome == rules.Refused { // created by a concurrent request meanwhile
		s.writeError(w, r, refusal(res, "with."))
		return
	}
	var ov rules.Overview
	p.View(func(st *rules.State) { ov = st.Overview() })
	writeStatus(w, http.StatusCreated, productionJSON{Overview: ov, Size: p.Log().Size()})
}

// productionJSON is a production's state as GET /api/productions/{id} answers it.
type productionJSON struct {
	rules.Overview
	Size   uint64 `json:"size"`             // ledger entries so far
	Person string `json:"person,omitempty"` // the caller's person on it
}

// getProduction answers the production's state, first recording every deadline
// that has fallen due (escalations, flags ending), so what it shows is true now.
func (s *Server) getProduction(w http.ResponseWriter, r *http.Request, a access) {
	if _, err := a.prod.Tick(r.Context(), s.api.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	var ov rules.Overview
	a.prod.View(func(st *rules.State) { ov = st.Overview() })
	writeJSON(w, productionJSON{Overview: ov, Size: a.prod.Log().Size(), Person: a.person})
}
