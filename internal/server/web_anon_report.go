package server

import (
	"errors"
	"net/http"
	"strings"

	"coldset/internal/rules"
)

// The public report page, GET and POST /report/{id}: the address the production's
// poster prints and its QR code opens. It needs no account and sets no cookie
// (web_anon.go); the production's id is public on the poster, and the page shows no
// more of the production than its name.

type reportView struct {
	Production string
	Name       string
	Text       string
	Category   string
	Severity   string
	Categories []choice
	Severities []choice
}

// choice is one option of a select.
type choice struct {
	Value    string
	Label    string
	Selected bool
}

var reportCategories = [][2]string{{"firearms", "firearms"}, {"equipment", "equipment"}, {"fatigue", "fatigue"},
	{"training", "training"}, {"conduct", "conduct"}, {"other", "something else"}}

// reportSeverities offers each severity with the time concern-sla gives it to be
// acknowledged, high first: the severity most reports have.
var reportSeverities = severityChoices("high", "critical", "low")

func severityChoices(severities ...string) [][2]string {
	out := make([][2]string, len(severities))
	for i, sev := range severities {
		ack, _ := rules.Deadlines(sev)
		out[i] = [2]string{sev, sev + ": answer within " + within(ack)}
	}
	return out
}

func choices(opts [][2]string, selected string) []choice {
	out := make([]choice, len(opts))
	for i, o := range opts {
		out[i] = choice{Value: o[0], Label: o[1], Selected: o[0] == selected}
	}
	return out
}

// webReportPage is GET /report/{id}: the form.
func (s *Server) webReportPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "report", &pageData{Title: "Report a safety concern", Body: v})
}

// reportForm starts the view of production {id}, or answers that there is none.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) (*reportView, bool) {
	id := r.PathValue("id")
	p, err := s.production(r.Context(), id)
	if err != nil {
		s.anonError(w, r, err)
		return nil, false
	}
	v := &reportView{Production: p.ID(), Categories: choices(reportCategories, ""), Severities: choices(reportSeverities, "")}
	p.View(func(st *rules.State) { v.Name = st.Name() })
	return v, true
}

// webReport is POST /report/{id}: file the concern and show its receipt code, once,
// in the answer to this POST. A refused form comes back with its words kept, and so
// does one sent while anonymous filing is paused (429).
func (s *Server) webReport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		s.anonError(w, r, invalid("", "The form could not be read: %v", err))
		return
	}
	v, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	v.Text, v.Category, v.Severity = r.PostFormValue("text"), r.PostFormValue("category"), r.PostFormValue("severity")
	v.Categories, v.Severities = choices(reportCategories, v.Category), choices(reportSeverities, v.Severity)
	p, err := s.production(r.Context(), v.Production)
	if err != nil {
		s.anonError(w, r, err)
		return
	}
	code, id, res, err := s.fileAnonymous(r.Context(), p, v.Category, v.Severity, v.Text)
	var paused *tooManyFilings
	switch {
	case errors.As(err, &paused):
		paused.retryAfter(w)
		f := flash{Kind: "error", Title: "Not sent yet: please wait.", Message: paused.Error() + " What you wrote is still here."}
		s.render(w, r, http.StatusTooManyRequests, "report", &pageData{Title: "Report a safety concern", Flash: &f, Body: v})
		return
	case err != nil:
		s.anonError(w, r, err)
		return
	}
	if res.Outcome == rules.Refused {
		f := refusedFlash(res)
		s.render(w, r, http.StatusUnprocessableEntity, "report", &pageData{Title: "Report a safety concern", Flash: &f, Body: v})
		return
	}
	data := &pageData{Title: "Your receipt code", Body: receiptShownView{Code: groupReceipt(code), Concern: id, Production: v.Production}}
	data.Flash = &flash{Kind: "ok", Title: "Concern filed anonymously.", Message: "Nothing about you is stored with it. The safety officer has been told."}
	s.render(w, r, http.StatusOK, "receipt-shown", data)
}

// reportPath is the address of production id's report page.
func reportPath(id string) string { return "/report/" + strings.TrimSpace(id) }
