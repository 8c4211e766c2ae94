package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"coldset/internal/production"
	"coldset/internal/rules"
)

// actionRequest is one action of SCENARIOS.md. Anonymous is for concern.file (the
// server makes the receipt code and answers it once) and concern.reopen (with the
// receipt); nothing of the account that sent an anonymous action is recorded.
type actionRequest struct {
	Do        string          `json:"do"`
	With      json.RawMessage `json:"with"`
	Anonymous bool            `json:"anonymous"`
	Receipt   string          `json:"receipt"`
}

// actionResponse is an accepted action: the rules' result, the receipt code of an
// anonymous concern, and the production's state after it.
type actionResponse struct {
	rules.Result
	Receipt string       `json:"receipt,omitempty"`
	State   stateSummary `json:"state"`
}

// stateSummary is what changes after most actions: the risk and the holds.
type stateSummary struct {
	Risk         rules.Risk          `json:"risk"`
	Holds        []string            `json:"holds"`
	FirearmHolds map[string][]string `json:"firearm_holds"` // firearms with a hold only
}

// act does one action as the caller's person on the production, at the server's
// clock (the production ticks to it first). Refused actions are recorded in the
// ledger like accepted ones and answered as problems: see refusal.
func (s *Server) act(w http.ResponseWriter, r *http.Request, a access) {
	var req actionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	by := rules.Actor{Person: a.person}
	switch {
	case req.Anonymous:
		by = rules.Actor{Anonymous: true, Receipt: req.Receipt}
		if req.Do == rules.ConcernFile {
			by.Receipt = rules.NewReceipt()
		}
	case req.Receipt != "":
		s.writeError(w, r, invalid("receipt", "a receipt code goes only with \"anonymous\": true"))
		return
	case a.person == "":
		s.writeError(w, r, forbidden("", "you are not a person on production "+a.prod.ID()+"; a producer or safety officer must invite you before you can act on it"))
		return
	}
	// Anonymous actions are limited as on the anonymous routes: a filing by the filing
	// limits, anything else by the receipt guessing limits, since it is judged by its
	// receipt code.
	if req.Anonymous {
		var err error
		if req.Do == rules.ConcernFile {
			err = s.takeFiling(a.prod)
		} else {
			err = s.takeReceiptGuess(a.prod, req.Receipt)
		}
		if err != nil {
			s.writeAnonError(w, r, err)
			return
		}
	}
	res, ok := s.doOrRefuse(w, r, a.prod, by, rules.Command{Do: req.Do, With: req.With}, "")
	if !ok {
		return
	}
	out := actionResponse{Result: res, State: summarize(a.prod)}
	if req.Anonymous && req.Do == rules.ConcernFile {
		out.Receipt = by.Receipt
	}
	s.writeStatus(w, r, http.StatusOK, out)
}

// doAndWake does c on p as by at the server's clock, then wakes the pages open on p:
// a refusal is recorded too, so they are woken either way. It fails only when c could
// not be decided or recorded; a refusal is in the result.
func (s *Server) doAndWake(ctx context.Context, p *production.Production, by rules.Actor, c rules.Command) (rules.Result, error) {
	res, err := p.Do(ctx, by, c, s.api.now())
	if err == nil {
		s.web.events.notify(p.ID())
	}
	return res, err
}

// doOrRefuse is doAndWake for an API handler: it returns the result of an action
// taken, or answers the failure or the refusal (see refusal for trimField) and
// returns false.
func (s *Server) doOrRefuse(w http.ResponseWriter, r *http.Request, p *production.Production, by rules.Actor, c rules.Command, trimField string) (rules.Result, bool) {
	res, err := s.doAndWake(r.Context(), p, by, c)
	if err == nil && res.Outcome == rules.Refused {
		err = refusal(res, trimField)
	}
	if err != nil {
		s.writeError(w, r, err)
		return res, false
	}
	return res, true
}

// refusal maps a refused result to its problem: role-required is 403 (the caller is
// on the production, but not in a role that may do this), invalid is 422 naming the
// field, every other rule is 409. The detail is the rules' own message, which says
// what to do instead. trimField is removed from the front of the field, for
// endpoints whose body is the "with" map itself.
func refusal(res rules.Result, trimField string) error {
	detail := res.Message
	if detail == "" {
		detail = rules.Explain(res.Rule)
	}
	e := &apiError{kind: kindRefused, rule: res.Rule, detail: detail}
	switch res.Rule {
	case rules.RoleRequired:
		e.kind = kindForbidden
	case rules.Invalid:
		e.kind, e.field = kindUnprocessable, strings.TrimPrefix(res.Field, trimField)
	}
	return e
}

// summarize reads the risk and holds of p as of its committed entries.
func summarize(p *production.Production) stateSummary {
	var out stateSummary
	p.View(func(st *rules.State) {
		out.Risk, out.Holds, out.FirearmHolds = st.Risk(), st.Holds(), st.HeldFirearms()
	})
	return out
}
