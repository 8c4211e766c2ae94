package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"coldset/internal/auth"
	"coldset/internal/rules"
)

// The studio admin's page: every production, with its risk and its people, and the
// form that creates a new one (the same newProduction as POST /api/productions).
// A producer or safety officer who is no admin finds here the productions they may
// add people to; the adding itself is on each production's People page, where the
// production's own permission table applies.

// registerAdmin registers the admin page and its form; page and post are
// registerWeb's wrappers.
func (s *Server) registerAdmin(page, post func(string, http.HandlerFunc)) {
	page("GET /admin", s.webAdmin)
	post("POST /admin/productions", s.webCreateProduction)
}

// adminView is the admin page.
type adminView struct {
	Admin       bool // a studio admin: every production, and the create form
	Productions []adminProduction
	Form        createProductionRequest // what was typed, shown again after a refusal
	DualRole    string                  // armorer_dual_role of the form: flag or refuse
	Timezones   []string
}

// adminProduction is one production of the admin page.
type adminProduction struct {
	ID     string
	Name   string
	Risk   string
	People int
	Mine   string // the caller's roles on it, in words
}

// timezones are offered as suggestions; any IANA name is accepted.
var timezones = []string{
	"America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago", "America/New_York",
	"America/Toronto", "America/Vancouver", "America/Mexico_City", "Europe/London", "Europe/Dublin",
	"Europe/Berlin", "Europe/Prague", "Europe/Budapest", "Africa/Johannesburg", "Australia/Sydney",
	"Pacific/Auckland", "Asia/Tokyo", "UTC",
}

// webAdmin is GET /admin.
func (s *Server) webAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderAdmin(w, r, http.StatusOK, createProductionRequest{}, "", takeFlash(w, r))
}

// renderAdmin shows the admin page, with the create form filled in as given.
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, form createProductionRequest, dual string, f *flash) {
	acct, err := s.caller(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	v, err := s.adminProductions(r, acct)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if !acct.Admin && len(v.Productions) == 0 {
		s.webError(w, r, forbidden(rules.RoleRequired, "This page is for studio admins, and for the producers and safety officers of a production, who add its people."))
		return
	}
	v.Form, v.DualRole, v.Timezones = form, dual, timezones
	if v.DualRole == "" {
		v.DualRole = "flag"
	}
	title := "Studio admin"
	if !acct.Admin {
		title = "Your productions"
	}
	s.render(w, r, status, "admin", &pageData{Title: title, Path: "/admin", Account: &acct, CSRF: s.csrfToken(r), Flash: f, Body: v})
}

// adminProductions lists every production for a studio admin; for anyone else, the
// productions where they are a producer or safety officer.
func (s *Server) adminProductions(r *http.Request, acct auth.Account) (adminView, error) {
	v := adminView{Admin: acct.Admin}
	visible, err := s.visibleProductions(r.Context(), acct)
	if err != nil {
		return v, err
	}
	for _, vp := range visible {
		id, p := vp.ID, vp.prod
		var ov rules.Overview
		p.View(func(st *rules.State) { ov = st.OpenOverview() })
		it := adminProduction{ID: id, Name: ov.Name, Risk: ov.Risk.Level}
		adds := false
		for _, pv := range ov.People {
			if len(pv.Roles) > 0 {
				it.People++
			}
			if pv.ID == vp.Person && vp.Person != "" {
				it.Mine = roleWords(pv.Roles)
				adds = slices.Contains(pv.Roles, "producer") || slices.Contains(pv.Roles, "safety_officer")
			}
		}
		if acct.Admin || adds {
			v.Productions = append(v.Productions, it)
		}
	}
	return v, nil
}

// webCreateProduction is POST /admin/productions: a studio admin creates a
// production, then goes to its People page to invite its first people. A refusal
// shows the page again with what was typed and the rule in words.
func (s *Server) webCreateProduction(w http.ResponseWriter, r *http.Request) {
	acct, err := s.caller(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		s.webError(w, r, invalid("", "the form could not be read: %v", err))
		return
	}
	if !checkCSRF(r) {
		setFlash(w, r, flash{Kind: "error", Title: "Not done: the form had expired.", Message: "The page was reloaded; do it again."})
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	if !acct.Admin {
		s.webError(w, r, errNotAdmin)
		return
	}
	req := createProductionRequest{
		ID:       strings.TrimSpace(r.PostFormValue("id")),
		Name:     strings.TrimSpace(r.PostFormValue("name")),
		Timezone: strings.TrimSpace(r.PostFormValue("timezone")),
	}
	dual := r.PostFormValue("armorer_dual_role")
	if dual == "refuse" {
		req.Config = []byte(`{"armorer_dual_role":"refuse"}`)
	}
	p, err := s.newProduction(r.Context(), acct, req)
	if err != nil {
		f, ok := errorFlash(err)
		if !ok {
			s.webError(w, r, err)
			return
		}
		req.Config = nil
		s.renderAdmin(w, r, statusOf(err), req, dual, &f)
		return
	}
	var name string
	p.View(func(st *rules.State) { name = st.OpenOverview().Name })
	setFlash(w, r, flash{Kind: "ok", Title: "Production " + name + " created.",
		Message: "Invite its people now: a producer and a safety officer first, who can then add the rest."})
	http.Redirect(w, r, "/productions/"+p.ID()+"/people", http.StatusSeeOther)
}

// errorFlash shows an error a person can act on (a refusal by the rules, a value to
// correct, an id taken) as the outcome of their form: the rule in plain words and
// what to do instead. Other errors are not theirs to act on: ok is false.
func errorFlash(err error) (f flash, ok bool) {
	var ae *apiError
	if !errors.As(err, &ae) {
		return flash{}, false
	}
	switch ae.kind {
	case kindRefused, kindForbidden, kindUnprocessable, kindConflict, kindInvalid:
	default:
		return flash{}, false
	}
	f = flash{Kind: "refused", Title: "Not done: " + ruleTitle(ae.rule), Message: sentence(ae.detail), Rule: ae.rule, RuleWords: rules.Explain(ae.rule)}
	switch {
	case ae.rule == "" && ae.field != "":
		f.Title = "Not done: check " + words(ae.field)
	case ae.rule == "":
		f.Title = "Not done."
	case ae.rule == rules.Invalid && ae.field != "":
		f.Title = "Not done: check " + words(ae.field)
	}
	return f, true
}

// statusOf is the HTTP status of an error a page shows in words.
func statusOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return statuses[ae.kind]
	}
	return http.StatusInternalServerError
}
