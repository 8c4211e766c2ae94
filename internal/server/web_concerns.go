package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"coldset/internal/production"
	"coldset/internal/record"
	"coldset/internal/rules"
)

// Concerns: anyone files one (also anonymously) and follows their own; producers,
// the safety officer and department heads answer them before their deadlines.

type concernsView struct {
	Base       string
	Person     bool
	Mine       []concernCard
	Handled    []concernCard // a page of the open concerns the caller may answer, by id
	OpenMore   string        // the next page of open ones, or ""
	Closed     []concernCard // a page of the answered ones, the latest filed first
	ClosedMore string        // the next page of answered ones, or ""
	Handler    bool
	Draft      concernDraft // the filing form's words, kept when a filing was not recorded
}

// concernDraft is what was typed into the filing form.
type concernDraft struct {
	Text       string
	Anonymous  bool
	Categories []choice
	Severities []choice
}

var concernCategories = [][2]string{{"firearms", "firearms"}, {"equipment", "equipment"}, {"fatigue", "fatigue"},
	{"training", "training"}, {"conduct", "conduct"}, {"other", "other"}}

// Concerns are listed a page at a time, so that no page costs the production's
// history or what a flood of filings left open: openPage of the open ones the caller
// answers, recentClosed of one's own closed ones beside the open ones, closedPage of
// the closed ones one answers, each with a link to the next page.
const (
	openPage     = 50
	recentClosed = 10
	closedPage   = 20
)

// webConcerns is GET /productions/{id}/concerns; ?open= pages the open ones it
// answers and ?after= the answered ones, each from the concern named.
func (s *Server) webConcerns(w http.ResponseWriter, r *http.Request, c *webCtx) {
	s.concernsPage(w, r, c, http.StatusOK, concernDraft{}, nil)
}

// concernsPage renders the concerns page with the filing form holding draft, and f
// as its message when given.
func (s *Server) concernsPage(w http.ResponseWriter, r *http.Request, c *webCtx, status int, draft concernDraft, f *flash) {
	q := r.URL.Query()
	v := concernsView{Base: "/productions/" + c.ov.ID, Person: c.person != "", Handler: c.handlesEvery() || c.me.DepartmentHead, Draft: draft}
	if v.Draft.Categories == nil {
		v.Draft.Categories, v.Draft.Severities = choices(concernCategories, ""), choices(reportSeverities, "")
	}
	v.Mine = c.myConcerns(recentClosed)
	var next string
	v.Handled, next = c.handledConcerns(q.Get("open"), openPage)
	if next != "" {
		v.OpenMore = v.Base + "/concerns?open=" + url.QueryEscape(next) + "#handled-h"
	}
	if v.Handler {
		v.Closed, next = c.answeredConcerns(q.Get("after"), closedPage)
		if next != "" {
			v.ClosedMore = v.Base + "/concerns?after=" + url.QueryEscape(next) + "#closed-h"
		}
	}
	data := s.page(w, r, c, "Concerns", "/concerns", v)
	data.Path = v.Base + "/concerns" // also when answering a form's POST: where its forms come back to
	if f != nil {
		data.Flash = f
	}
	s.render(w, r, status, "concerns", data)
}

// handledConcerns reads a page of the open concerns the caller answers, other than
// their own, by id from the one after the concern named after. next is the after of
// the following page, or "".
func (c *webCtx) handledConcerns(after string, limit int) (cards []concernCard, next string) {
	for _, cv := range c.ov.Concerns { // open ones, by id
		if after != "" && cv.ID <= after {
			continue
		}
		if (cv.Reporter != c.person || c.person == "") && c.handles(cv) {
			if len(cards) == limit {
				return cards, cards[limit-1].ID
			}
			cards = append(cards, c.concernCard(cv))
		}
	}
	return cards, ""
}

// filingPaused answers an anonymous filing from the concerns page that the filing
// limits turned away: the page again, with the words as typed and how long to wait.
func (s *Server) filingPaused(w http.ResponseWriter, r *http.Request, c *webCtx, paused *tooManyFilings) {
	draft := concernDraft{Text: r.PostFormValue("s:text"), Anonymous: true,
		Categories: choices(concernCategories, r.PostFormValue("s:category")), Severities: choices(reportSeverities, r.PostFormValue("s:severity"))}
	paused.retryAfter(w)
	s.concernsPage(w, r, c, http.StatusTooManyRequests, draft,
		&flash{Kind: "error", Title: "Not sent yet: please wait.", Message: paused.Error() + " What you wrote is still in the form below."})
}

// myConcerns lists the caller's own concerns: the open ones and the latest closed ones.
func (c *webCtx) myConcerns(closed int) []concernCard {
	if c.person == "" {
		return nil
	}
	var out []concernCard
	for _, cv := range c.ov.Concerns {
		if cv.Reporter == c.person {
			out = append(out, c.concernCard(cv))
		}
	}
	var page []rules.ConcernView
	c.prod.View(func(st *rules.State) { page, _ = st.ClosedConcerns([]string{c.person}, "", closed) })
	for _, cv := range page {
		out = append(out, c.concernCard(cv))
	}
	return out
}

// answeredConcerns reads a page of the closed concerns the caller answers (see
// handles), other than their own, from the one after the concern named after: every
// reporter's for a producer or safety officer, those of their department's people for
// a department head. next is the after of the following page, or "".
func (c *webCtx) answeredConcerns(after string, limit int) (cards []concernCard, next string) {
	var reporters []string // nil: everyone's
	if !c.handlesEvery() {
		reporters = []string{}
		for _, p := range c.ov.People {
			if c.me.DepartmentHead && c.me.Department != "" && p.Department == c.me.Department && p.ID != c.person {
				reporters = append(reporters, p.ID)
			}
		}
	}
	var page []rules.ConcernView
	c.prod.View(func(st *rules.State) { page, next = st.ClosedConcerns(reporters, after, limit) })
	for _, cv := range page {
		if (cv.Reporter != c.person || c.person == "") && c.handles(cv) {
			cards = append(cards, c.concernCard(cv))
		}
	}
	return cards, next
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
	var cv rules.ConcernView
	found := false
	c.prod.View(func(st *rules.State) { cv, found = st.Concern(id) })
	if found {
		v := concernView{Base: "/productions/" + c.ov.ID, C: c.concernCard(cv), Handles: c.handles(cv), Reporter: c.person != "" && cv.Reporter == c.person}
		c.prod.View(func(st *rules.State) { v.Private = !st.MayReadConcern(c.person, id) })
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

// concernThread reads a concern's words and every answer and escalation from its own
// entries in the ledger (record.ConcernThread), however old. An anonymous reporter is
// never named: the entries hold no identity.
func concernThread(ctx context.Context, p *production.Production, id string, c *webCtx) (string, []step, error) {
	entries, err := concernEntries(ctx, p, id)
	if err != nil {
		return "", nil, err
	}
	var text string
	var thread []step
	for _, e := range entries {
		rp := step{At: clock(e.Time, c.now, c.loc), Who: c.name(e.Actor)}
		if e.Actor == "" {
			rp.Who = "the reporter"
		}
		switch e.Type {
		case rules.ConcernFile:
			text = record.Words(e)
			rp.What = "Filed"
		case rules.ConcernAck:
			rp.What, rp.Text = "Acknowledged", record.Words(e)
		case rules.ConcernResolve:
			rp.What, rp.Text = "Resolved with this corrective action", record.Words(e)
		case rules.ConcernDismiss:
			rp.What, rp.Text = "Dismissed, for this reason", record.Words(e)
		case rules.ConcernReopen:
			rp.What = "Reopened"
		case rules.ConcernReply:
			rp.What, rp.Text = "Replied", record.Words(e)
		case rules.EventEscalation:
			if esc, ok := e.Payload.(*rules.EscalationData); ok {
				rp.Who, rp.What = "coldset", fmt.Sprintf("Escalated to level %d: %s", esc.Level, esc.Who())
			}
		}
		thread = append(thread, rp)
	}
	return text, thread, nil
}
