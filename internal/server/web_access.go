package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"coldset/internal/rules"
)

// webCtx is a page request on one production by a signed-in caller who may see it:
// the production's state as of now (deadlines that fell due recorded first), and
// who the caller is on it.
type webCtx struct {
	access
	ov  rules.Overview
	me  rules.PersonView // zero for a studio admin who is not a person on it
	now time.Time
	loc *time.Location
}

// mayDo reports whether the caller's roles let them do action (rules.State.May). The
// rules decide; this only chooses which forms a page offers, so nobody is shown a form
// bound to be refused.
func (c *webCtx) mayDo(action string) bool {
	ok := false
	c.prod.View(func(st *rules.State) { ok = st.May(c.person, action) })
	return ok
}

// handlesEvery reports whether the caller answers every concern, not only those of
// their department's people (rules.State.HandlesEveryConcern).
func (c *webCtx) handlesEvery() bool {
	ok := false
	c.prod.View(func(st *rules.State) { ok = st.HandlesEveryConcern(c.person) })
	return ok
}

// name returns a person's name, or the id when unknown ("armory" reads as itself).
func (c *webCtx) name(id string) string {
	for _, p := range c.ov.People {
		if p.ID == id {
			return p.Name
		}
	}
	if id == "armory" {
		return "the armory"
	}
	return id
}

type webHandler func(w http.ResponseWriter, r *http.Request, c *webCtx)

// webPage lets through the people of production {id} and studio admins, like the
// API's member, but answers with pages: the sign-in page for a caller who is not
// signed in, a page saying "not here" for everyone else.
func (s *Server) webPage(h webHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct, err := s.caller(r)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		a, err := s.accessTo(r.Context(), acct, r.PathValue("id"))
		if err != nil {
			s.webError(w, r, err)
			return
		}
		person, p := a.person, a.prod
		c := &webCtx{access: a, now: s.api.now()}
		if r.Method == http.MethodGet {
			// What the page shows must be true now: record the deadlines that fell due.
			if _, err := p.Tick(r.Context(), c.now); err != nil {
				s.webError(w, r, err)
				return
			}
		}
		// Open concerns and incidents only: a page that lists closed ones reads them
		// a page at a time (rules.State.ClosedConcerns), so no page costs the history.
		p.View(func(st *rules.State) { c.ov = st.OpenOverview() })
		c.loc, err = time.LoadLocation(c.ov.Timezone)
		if err != nil {
			c.loc = time.UTC
		}
		for _, pv := range c.ov.People {
			if pv.ID == person {
				c.me = pv
			}
		}
		h(w, r, c)
	}
}

// prodNav is the production bar of every production page.
type prodNav struct {
	ID     string
	Name   string
	Me     string // the caller's name, or "" for an admin who is not on it
	Roles  string
	Risk   rules.Risk
	Holds  int
	Links  []navLink
	Events string // the event stream's path
}

type navLink struct {
	Href    string
	Label   string
	Current bool
}

// page starts the layout data of a production page; current is the nav link's path
// suffix ("" for the production's own page).
func (s *Server) page(w http.ResponseWriter, r *http.Request, c *webCtx, title, current string, body any) *pageData {
	base := "/productions/" + c.ov.ID
	nav := &prodNav{ID: c.ov.ID, Name: c.ov.Name, Me: c.me.Name, Roles: strings.ReplaceAll(strings.Join(c.me.Roles, ", "), "_", " "),
		Risk: c.ov.Risk, Holds: len(c.ov.Holds), Events: base + "/events"}
	links := [][2]string{{"", "Me"}}
	if c.mayDo(rules.FirearmInspect) || c.person == "" {
		links = append(links, [2]string{"/armory", "Armory"})
	}
	if c.mayDo(rules.SafetyMeetingHold) || c.person == "" {
		links = append(links, [2]string{"/day", "The day"})
	}
	links = append(links, [2]string{"/concerns", "Concerns"}, [2]string{"/people", "People"}, [2]string{"/safety", "Safety"})
	for _, l := range links {
		nav.Links = append(nav.Links, navLink{Href: base + l[0], Label: l[1], Current: l[0] == current})
	}
	acct := c.account
	var flashed *flash
	if r.Header.Get("X-Coldset-Live") == "" { // a live refresh must not eat the page's own message
		flashed = takeFlash(w, r)
	}
	return &pageData{Title: title, Path: r.URL.Path, Account: &acct, Prod: nav, CSRF: s.csrfToken(r), Flash: flashed, Live: true, Now: c.now.UTC().Format(time.RFC3339), Body: body}
}

// urlQueryEscape escapes a value for a query string.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }
