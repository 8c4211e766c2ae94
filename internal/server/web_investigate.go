package server

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"

	"coldset/internal/investigate"
	"coldset/internal/rules"
)

// The investigation pages show the same documents as `coldset report`: the timeline,
// failure chain, ammunition trace and overrides, and the daily safety report. They are
// read-only and built from the log as checked against its latest signed checkpoint, so
// every figure on them can be proved from the ledger.

// webInvestigation serves the full report. Query parameters narrow the timeline
// (firearm, lot, person, kind) or focus on one incident.
func (s *Server) webInvestigation(w http.ResponseWriter, r *http.Request, c *webCtx) {
	if !c.may(rules.ReadRecord) {
		s.webError(w, r, forbidden("role-required", "the investigation report is for the investigator, the safety officer and the producers"))
		return
	}
	rec, err := s.record(r, c)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	q := r.URL.Query()
	rep, err := investigate.Build(rec, investigate.Options{Incident: q.Get("incident"), Filter: investigate.Filter{
		Firearm: q.Get("firearm"), Lot: q.Get("lot"), Person: q.Get("person"), Kind: q.Get("kind")}})
	if err != nil {
		s.webError(w, r, invalid("incident", "%v", err))
		return
	}
	s.writeReport(w, r, rep)
}

// webDaily serves the daily safety report of ?date=YYYY-MM-DD, today by default.
func (s *Server) webDaily(w http.ResponseWriter, r *http.Request, c *webCtx) {
	if !c.may(rules.ReadRecord) {
		s.webError(w, r, forbidden("role-required", "the daily safety report is for the investigator, the safety officer and the producers"))
		return
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		date = c.now.In(c.loc).Format("2006-01-02")
	}
	rec, err := s.record(r, c)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	d, err := investigate.BuildDaily(rec, date)
	if err != nil {
		s.webError(w, r, invalid("date", "%v", err))
		return
	}
	s.writeReport(w, r, d)
}

// record loads the production's log, checked against its latest signed checkpoint.
func (s *Server) record(r *http.Request, c *webCtx) (*investigate.Record, error) {
	return investigate.Load(r.Context(), s.store, s.ledger.Signer().Verifier(), c.prod.ID())
}

var styleBlock = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// writeReport writes a self-contained report page. Its one style block is allowed by
// its hash, so the page keeps a Content-Security-Policy without 'unsafe-inline'.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, doc interface{ WriteHTML(io.Writer) error }) {
	page, err := investigate.HTML(doc)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	csp := "default-src 'none'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
	for _, m := range styleBlock.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		csp += "; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}
