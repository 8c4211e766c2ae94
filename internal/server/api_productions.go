package server

import (
	"context"
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
	visible, err := s.visibleProductions(r.Context(), c)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []productionItem{}
	for _, vp := range visible {
		it := productionItem{ID: vp.ID, Person: vp.Person}
		vp.prod.View(func(st *rules.State) {
			ov := st.OpenOverview()
			it.Name, it.Risk, it.Holds = ov.Name, ov.Risk.Level, st.Holds()
		})
		out = append(out, it)
	}
	s.writeJSON(w, r, out)
}

// createProductionRequest is production.create's "with" map.
type createProductionRequest struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Timezone string          `json:"timezone"`
	Config   json.RawMessage `json:"config,omitempty"`
}

// createProduction is POST /api/productions: newProduction, answered as JSON.
func (s *Server) createProduction(w http.ResponseWriter, r *http.Request, c auth.Account) {
	if !c.Admin {
		s.writeError(w, r, errNotAdmin)
		return
	}
	var req createProductionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.newProduction(r.Context(), c, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var ov rules.Overview
	p.View(func(st *rules.State) { ov = st.OpenOverview() })
	s.writeStatus(w, r, http.StatusCreated, productionJSON{Overview: ov, Size: p.Log().Size()})
}

// errNotAdmin refuses a production's creation to anyone but a studio admin.
var errNotAdmin = forbidden("", "only a studio admin creates productions")

// newProduction has a studio admin create a production: production.create by the
// deployment itself. The API and the admin page both create through it. The command
// is decided on an empty state first, so a refused creation leaves no log behind (a
// log holding only a refusal would take the id).
func (s *Server) newProduction(ctx context.Context, c auth.Account, req createProductionRequest) (*production.Production, error) {
	if !c.Admin {
		return nil, errNotAdmin
	}
	if err := ledger.ValidProduction(req.ID); err != nil {
		return nil, &apiError{kind: kindUnprocessable, rule: rules.Invalid, field: "id", detail: err.Error()}
	}
	with, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	cmd := rules.Command{Do: rules.ProductionCreate, With: with}
	now := s.api.now()
	if res := rules.Summarize(rules.New().Decide(rules.Actor{}, cmd, now)); res.Outcome == rules.Refused {
		return nil, refusal(res, "with.")
	}
	if n, err := s.store.Size(ctx, req.ID); err != nil || n > 0 {
		if err == nil {
			err = &apiError{kind: kindConflict, field: "id", detail: "a production with id " + req.ID + " exists already; choose another id"}
		}
		return nil, err
	}
	l, err := s.ledger.Log(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	p, err := production.FromLog(l)
	if err != nil {
		return nil, err
	}
	res, err := p.Do(ctx, rules.Actor{}, cmd, now)
	if err != nil {
		return nil, err
	}
	if res.Outcome == rules.Refused { // created by a concurrent request meanwhile
		return nil, refusal(res, "with.")
	}
	return p, nil
}

// productionJSON is a production's state as GET /api/productions/{id} answers it.
type productionJSON struct {
	rules.Overview
	Size       uint64 `json:"size"`                  // ledger entries so far
	Person     string `json:"person,omitempty"`      // the caller's person on it
	ClosedNext string `json:"closed_next,omitempty"` // "after" of the next page of closed ones
}

// Pages of closed concerns or incidents (GET /api/productions/{id}?closed=...).
const (
	closedPageDefault = 100
	closedPageMax     = 500
)

// getProduction answers the production's state, first recording every deadline
// that has fallen due (escalations, flags ending), so what it shows is true now.
// Concerns and incidents are the open ones; with closed=concerns or
// closed=incidents, a page of the closed ones follows them, the latest filed first,
// from the one after the id "after": so what a read costs never grows with the
// production's history.
func (s *Server) getProduction(w http.ResponseWriter, r *http.Request, a access) {
	q := r.URL.Query()
	closed, after := q.Get("closed"), q.Get("after")
	if closed != "" && closed != "concerns" && closed != "incidents" {
		s.writeError(w, r, invalid("closed", "closed must be \"concerns\" or \"incidents\""))
		return
	}
	if closed == "" && after != "" {
		s.writeError(w, r, invalid("after", "after pages closed concerns or incidents: give closed too"))
		return
	}
	limit, err := queryUint(r, "limit", closedPageDefault)
	if err == nil && (limit < 1 || limit > closedPageMax) {
		err = invalid("limit", "limit must be from 1 to %d", closedPageMax)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := a.prod.Tick(r.Context(), s.api.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := productionJSON{Size: a.prod.Log().Size(), Person: a.person}
	a.prod.View(func(st *rules.State) {
		out.Overview = st.OpenOverview()
		_, isConcern := st.Concern(after)
		_, isIncident := st.Incident(after)
		switch {
		case after != "" && (closed == "concerns" && !isConcern || closed == "incidents" && !isIncident):
			err = invalid("after", "after names %s, which is not one of the production's %s", after, closed)
		case closed == "concerns":
			var page []rules.ConcernView
			page, out.ClosedNext = st.ClosedConcerns(nil, after, int(limit))
			out.Concerns = append(out.Concerns, page...)
		case closed == "incidents":
			var page []rules.IncidentView
			page, out.ClosedNext = st.ClosedIncidents(after, int(limit))
			out.Incidents = append(out.Incidents, page...)
		}
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, out)
}

// visibleProduction is a production an account may see, and the person the account
// is on it ("" for a studio admin who is not on it).
type visibleProduction struct {
	ID, Person string
	prod       *production.Production
}

// visibleProductions lists the productions an account may see: those it is a person
// on, and every one for a studio admin. The API's list and the admin page share it.
func (s *Server) visibleProductions(ctx context.Context, acct auth.Account) ([]visibleProduction, error) {
	ms, err := s.api.accounts.Memberships(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	person := map[string]string{}
	var ids []string
	for _, m := range ms {
		person[m.Production] = m.Person
		ids = append(ids, m.Production)
	}
	if acct.Admin {
		if ids, err = s.ledger.Productions(ctx); err != nil {
			return nil, err
		}
	}
	var out []visibleProduction
	for _, id := range ids {
		p, err := s.production(ctx, id)
		var ae *apiError
		if errors.As(err, &ae) && ae.kind == kindNotFound {
			continue // granted before it was created
		}
		if err != nil {
			return nil, err
		}
		me, ok := actsAs(p, acct, person[id])
		if !ok {
			continue // taken off it: it is no longer theirs to see
		}
		out = append(out, visibleProduction{ID: id, Person: me, prod: p})
	}
	return out, nil
}
