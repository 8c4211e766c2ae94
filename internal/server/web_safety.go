package server

import (
	"net/http"
	"net/url"
	"slices"
	"sort"

	"coldset/internal/record"
	"coldset/internal/rules"
)

// The producer's and safety officer's page: the risk level with each reason in words,
// the holds and who may lift them, open concerns counting down to their deadlines,
// incidents, active flags and every override with the reason it was given.

type safetyView struct {
	Base      string
	Risk      rules.Risk
	RiskWords string
	Holds     []holdCard
	Concerns  []concernCard
	Incidents []incidentCard // the open ones, then a page of the closed ones
	Flags     []flagCard
	Overrides []step
	Officer   bool // safety officer: close incidents, clear holds
	Producer  bool // producer: override
	Person    bool

	IncidentsMore string // the next page of closed incidents, or ""
}

type flagCard struct {
	Rule    string
	Title   string
	Subject string
	Raised  string
	Until   string
}

var riskWords = map[string]string{
	rules.Green: "Green: no flag is active, no incident is open. Firearm work goes on under the rules.",
	rules.Amber: "Amber: something needs attention: a flag, an open incident or a critical concern. Deal with what is listed; a hold below stops firearm work until it is lifted.",
	rules.Red:   "Red: firearm work is on hold until the reasons below are dealt with and the hold is lifted.",
}

// redOverridden is the level's words when it is red but a producer's override lifted
// its hold: saying "on hold" above "No holds" would leave the set guessing.
const redOverridden = "Red, and a producer overrode the hold: firearm work goes on under the rules while the reasons below stand. A new red reason places the hold again."

// redOverriddenHeld is the same when other holds on the production stay in place.
const redOverriddenHeld = "Red, and a producer overrode the red-risk hold; the holds below still stop firearm work until they are lifted."

// levelWords says what the risk level means now, given the holds in place.
func levelWords(ov rules.Overview) string {
	if ov.Risk.Level != rules.Red || slices.ContainsFunc(ov.Holds, func(h rules.HoldView) bool { return h.ID == rules.RiskRedHold }) {
		return riskWords[ov.Risk.Level]
	}
	if slices.ContainsFunc(ov.Holds, func(h rules.HoldView) bool { return h.Firearm == "" }) {
		return redOverriddenHeld
	}
	return redOverridden
}

// webSafety is GET /productions/{id}/safety; ?after= pages the closed incidents.
func (s *Server) webSafety(w http.ResponseWriter, r *http.Request, c *webCtx) {
	v := safetyView{Base: "/productions/" + c.ov.ID, Risk: c.ov.Risk, RiskWords: levelWords(c.ov), Holds: c.holdCards(),
		Incidents: c.incidentCards(), Officer: c.mayDo(rules.HoldClear), Producer: c.mayDo(rules.HoldOverride), Person: c.person != ""}
	var closed []rules.IncidentView
	var next string
	c.prod.View(func(st *rules.State) { closed, next = st.ClosedIncidents(r.URL.Query().Get("after"), closedPage) })
	for _, i := range closed {
		v.Incidents = append(v.Incidents, c.incidentCard(i))
	}
	if next != "" {
		v.IncidentsMore = v.Base + "/safety?after=" + url.QueryEscape(next) + "#inc-h"
	}
	for _, cv := range c.ov.Concerns {
		if cv.Status == "open" {
			v.Concerns = append(v.Concerns, c.concernCard(cv))
		}
	}
	sort.SliceStable(v.Concerns, func(i, j int) bool { return firstDue(v.Concerns[i]) < firstDue(v.Concerns[j]) })
	for _, f := range c.ov.Flags {
		fc := flagCard{Rule: f.Rule, Title: rules.Explain(f.Rule), Subject: f.Subject, Raised: clock(f.Raised, c.now, c.loc)}
		if f.Expires != nil {
			fc.Until = clock(*f.Expires, c.now, c.loc)
		}
		v.Flags = append(v.Flags, fc)
	}
	var at []uint64
	c.prod.Read(func(_ *rules.State, b *record.Book) { at = b.Overrides() })
	overrides, err := record.Entries(r.Context(), c.prod.Log(), at)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	for i := len(overrides) - 1; i >= 0; i-- {
		e := overrides[i]
		v.Overrides = append(v.Overrides, step{At: clock(e.Time, c.now, c.loc), Who: c.name(e.Actor), Text: record.Words(e)})
	}
	s.render(w, r, http.StatusOK, "safety", s.page(w, r, c, "Safety", "/safety", v))
}

// firstDue orders concerns by their nearest deadline.
func firstDue(c concernCard) string {
	if len(c.Deadlines) == 0 {
		return "~"
	}
	return c.Deadlines[0].ISO
}
