package server

import (
	"net/http"
)

// The report poster: a page for the production's members to print and put up on
// set, with the address of the public report page and its QR code, so that anyone
// on the crew can raise a concern without an account and without being known.

type posterView struct {
	Name string
	URL  string // the report page's absolute address, printed in full
	QR   string // the QR code's path
	Base string
}

// webReportPoster is GET /productions/{id}/report-poster.
func (s *Server) webReportPoster(w http.ResponseWriter, r *http.Request, c *webCtx) {
	base := "/productions/" + c.ov.ID
	v := posterView{Name: c.ov.Name, URL: absoluteURL(r, reportPath(c.ov.ID)), QR: base + "/report-poster/qr", Base: base}
	s.render(w, r, http.StatusOK, "report-poster", s.page(w, r, c, "Worried about safety? Say so.", "/concerns", v))
}

// webReportPosterQR is GET /productions/{id}/report-poster/qr: the QR code, as SVG,
// of the report page's absolute address.
func (s *Server) webReportPosterQR(w http.ResponseWriter, r *http.Request, c *webCtx) {
	s.writeQR(w, r, absoluteURL(r, reportPath(c.ov.ID)))
}

// absoluteURL is path on this server as the request reached it.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}
