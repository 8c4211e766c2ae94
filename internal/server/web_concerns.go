package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// Concerns: anyone files one (also anonymously) and follows their own; producers,
// the safety officer and department heads answer them before their deadlines.

type concernsView struct {
	Base    string
	Person  bool
	Mine    []concernCard
	Handled []concernCard // open concerns the caller may answer, soonest deadline first
	Closed  []concernCard
	Handler bool
}

// webConcerns is GET /productions/{id}/concerns.
func (s *Server) webConcerns(w http.ResponseWriter, r *http.Request, c *webCtx) {
	v := concernsView{Base: "/productions/" + c.ov.ID, Person: c.person != "", Handler: c.can("producer", "safety_officer") || c.me.DepartmentHead}
	for _, cv := range c.ov.Concerns {
		card := c.concernCard(cv)
		switch {
		case cv.Reporter == c.person && c.person != "":
			v.Mine = append(v.Mine, card)
		case !c.handles(cv):
		case card.Open:
			v.Handled = append(v.Handled, card)
		default:
			v.Closed = append(v.Closed, card)
		}
	}
	s.render(w, r, http.StatusOK, "concerns", s.page(w, r, c, "Concerns", "/concerns", v))
}

type concernView struct {
	Base     string
	C        concernCard
	Text     string
	Thread   []step
	Private  bool // the caller may not read its words: only its status shows
	Handles  bool
	Reporter bool
}

// step is one step in a concern's life, in words.
type step struct {
	At   string
	Who  string
	What string
	Text string
}

// webConcern is GET /productions/{id}/concerns/{item}. Its words and replies are for
// its reporter and those who answer it; anyone else on the production sees its status.
func (s *Server) webConcern(w http.ResponseWriter, r *http.Request, c *webCtx) {
	id := r.PathValue("item")
	for _, cv := range c.ov.Concerns {
		if cv.ID != id {
			continue
		}
		v := concernView{Base: "/productions/" + c.ov.ID, C: c.concernCard(cv), Handles: c.handles(cv), Reporter: c.person != "" && cv.Reporter == c.person}
		v.Private = !v.Handles && !v.Reporter
		if !v.Private {
			var err error
			if v.Text, v.Thread, err = concernThread(r.Context(), c.prod, id, c); err != nil {
				s.webError(w, r, err)
				return
			}
		}
		s.render(w, r, http.StatusOK, "concern", s.page(w, r, c, "Concern "+id, "/concerns", v))
		return
	}
	s.webError(w, r, notFound("There is no concern %q on %s.", id, c.ov.Name))
}

// concernThread reads a concern's words and every answer and escalation from the
// ledger. An anonymous reporter is never named: the entries hold no identity.
func concernThread(ctx context.Context, p *production.Production, id string, c *webCtx) (string, []step, error) {
	entries, err := history(ctx, p, func(e ledger.Entry) bool {
		switch e.Type {
		case "concern.file", "concern.ack", "concern.resolve", "concern.dismiss", "concern.reopen", "concern.reply", rules.EventEscalation:
			return true
		}
		return false
	})
	if err != nil {
		return "", nil, err
	}
	var text string
	var thread []step
	for _, e := range entries {
		pl := decodePayload(e)
		if pl.Concern != id && !(e.Type == "concern.file" && pl.ID == id) {
			continue
		}
		rp := step{At: clock(e.Time, c.now, c.loc), Who: c.name(e.Actor)}
		if e.Actor == "" {
			rp.Who = "the reporter"
		}
		switch e.Type {
		case "concern.file":
			text = pl.Text
			rp.What = "Filed"
		case "concern.ack":
			rp.What, rp.Text = "Acknowledged", pl.Note
		case "concern.resolve":
			rp.What, rp.Text = "Resolved with this corrective action", pl.Action
		case "concern.dismiss":
			rp.What, rp.Text = "Dismissed, for this reason", pl.Reason
		case "concern.reopen":
			rp.What = "Reopened"
		case "concern.reply":
			rp.What, rp.Text = "Replied", pl.Text
		case rules.EventEscalation:
			rp.Who, rp.What = "coldset", fmt.Sprintf("Escalated to level %d: %s", pl.Level, recipientWords(pl.Roles, pl.Level))
		}
		thread = append(thread, rp)
	}
	return text, thread, nil
}

// recipientWords names who an escalation reached, from the roles its event recorded.
func recipientWords(roles []string, level int) string {
	var out []string
	for _, r := range roles {
		switch {
		case strings.HasPrefix(r, "department_head:"):
			out = append(out, "the head of "+strings.TrimPrefix(r, "department_head:"))
		case r == "safety_officer":
			out = append(out, "the safety officer")
		case r == "producer":
			out = append(out, "the producers")
		default:
			out = append(out, "the "+words(r))
		}
	}
	if len(out) == 0 {
		return levelWords[level]
	}
	return strings.Join(out, ", ")
}
