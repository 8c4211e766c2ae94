package server

import (
	"errors"
	"fmt"
	"net/http"
)

// Anonymous reporting (anonymous-reporting): a crew member files a concern without
// an account, from the link or QR code on the production's poster, and follows it
// with the receipt code they are given. No identity of the reporter is stored
// anywhere, and to keep it that way the anonymous routes never see one: they are
// served through anonymousRoute, which hands the handler a request stripped of the
// client's address and of every header but the few it needs (no cookies, no user
// agent, no forwarding headers), never sets a cookie, and keeps a panic's report
// (which net/http would otherwise log with the client's address) to the route.
//
// The routes:
//
//	GET  /report/{id}                             the form to file (report.html)
//	POST /report/{id}                             file; answers the receipt code once
//	GET  /receipt, POST /receipt                  follow, answer, reopen (web_receipt.go)
//	POST /api/productions/{id}/concerns/anonymous the API twin of filing
//	POST /api/receipt, /api/receipt/reply, /api/receipt/reopen
//	GET  /productions/{id}/report-poster          the printable poster (members only)
//
// No CSRF token guards the anonymous forms, and none is needed: they carry no
// authority a stranger lacks. Anyone may file, and every other anonymous action needs
// the receipt code, which a page on another site does not have. Cross-origin
// protection (Sec-Fetch-Site and Origin, no cookie) still turns away posts from other
// sites, and leaving the token out is what lets these routes go without a cookie.

// anonymousHeaders are the only request headers an anonymous route sees: what the
// body is, and what cross-origin protection judges by.
var anonymousHeaders = []string{"Content-Type", "Content-Length", "Origin", "Sec-Fetch-Site"}

// registerAnonymous registers the anonymous routes (and the members' poster).
// page and post are registerWeb's wrappers; api is registerAPI's cross-origin guard.
func (s *Server) registerAnonymous() {
	cop := http.NewCrossOriginProtection()
	anon := func(pattern string, h http.HandlerFunc) {
		s.mux.Handle(pattern, s.anonymousRoute(cop.Handler(h)))
	}
	anon("GET /report/{id}", s.webReportPage)
	anon("POST /report/{id}", s.webReport)
	anon("GET /receipt", s.webReceiptPage)
	anon("POST /receipt", s.webReceipt)
	anon("POST /api/productions/{id}/concerns/anonymous", s.apiFileAnonymous)
	anon("POST /api/receipt", s.apiReceipt)
	anon("POST /api/receipt/reply", s.apiReceiptReply)
	anon("POST /api/receipt/reopen", s.apiReceiptReopen)

	s.mux.Handle("GET /productions/{id}/report-poster", s.webPage(s.webReportPoster))
	s.mux.Handle("GET /productions/{id}/report-poster/qr", s.webPage(s.webReportPosterQR))
}

// anonymousRoute serves h with nothing of the client: see the top of this file.
func (s *Server) anonymousRoute(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		aw := &anonymousWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // net/http logs nothing for it
			}
			// The panic's value only: a stack or the request could say too much.
			s.log.Error("anonymous route failed", "path", r.URL.Path, "panic", fmt.Sprint(v))
			if !aw.wrote {
				s.writeError(aw, r, errors.New("panic"))
			}
		}()
		h.ServeHTTP(aw, scrubRequest(r))
	})
}

// scrubRequest returns a copy of r with no client address and only the
// anonymousHeaders. The original is left as it was for the layers outside.
func scrubRequest(r *http.Request) *http.Request {
	c := r.Clone(r.Context())
	c.RemoteAddr = ""
	c.Header = http.Header{}
	for _, k := range anonymousHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			c.Header[k] = v
		}
	}
	c.Trailer = nil
	return c
}

// anonymousWriter drops any cookie a handler would set, so that nothing can mark
// the reporter's browser, and keeps every answer out of caches.
type anonymousWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *anonymousWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Del("Set-Cookie")
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *anonymousWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// anonError answers an anonymous page that failed, like webError but without
// looking for a signed-in caller: an anonymous page never reads a session.
func (s *Server) anonError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		s.log.Error("anonymous page failed", "path", r.URL.Path, "err", err)
		ae = &apiError{kind: kindInternal, detail: "Something went wrong on the server. Try again in a minute."}
	}
	s.render(w, r, statuses[ae.kind], "error", &pageData{Title: http.StatusText(statuses[ae.kind]), Body: ae.detail})
}
