package server

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"coldset/internal/auth"
)

// The web pages: server-rendered HTML for phones on set. Every page works without
// JavaScript; assets/app.js adds live updates (server-sent events) and countdowns.
// Every action a page offers is a form posted to one handler (web_form.go) that
// turns it into the same {do, with} command the API takes and runs it through
// production.Do: there is one code path for the rules.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// contentSecurityPolicy allows nothing inline: scripts and styles come only from the
// embedded files, so injected markup cannot run or restyle the page.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// web holds the parsed pages and the live-update broadcaster.
type web struct {
	pages    map[string]*template.Template
	events   *broadcaster
	receipts *bucketLimiter // wrong receipt codes: api_anonymous_limit.go
	filings  *bucketLimiter // anonymous filings: api_anonymous_limit.go
}

// registerWeb registers the pages, the form handler, the event stream and the assets.
// Every POST is also behind cross-origin protection, on top of the per-session CSRF
// token each form carries. The security headers are set for every answer in one
// place, around the whole mux (security.go).
func (s *Server) registerWeb() {
	s.web = web{pages: parsePages(), events: newBroadcaster(), receipts: newReceiptLimiter(), filings: newFilingLimiter()}
	cop := http.NewCrossOriginProtection()
	page := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, h) }
	post := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, cop.Handler(h)) }

	assets, _ := fs.Sub(assetFS, "assets")
	s.mux.Handle("GET /assets/", cacheAssets(http.StripPrefix("/assets/", http.FileServerFS(assets))))
	page("GET /{$}", s.webHome)
	page("GET /signin", s.webSignInPage)
	post("POST /signin", s.webSignIn)
	post("POST /signout", s.webSignOut)
	s.registerAnonymous() // /report, /receipt and their API: web_anon.go

	page("GET /productions/{id}", s.webPage(s.webOverview))
	page("GET /productions/{id}/armory", s.webPage(s.webArmory))
	page("GET /productions/{id}/firearms/{item}", s.webPage(s.webFirearm))
	page("GET /productions/{id}/lots/{item}", s.webPage(s.webLot))
	page("GET /productions/{id}/labels", s.webPage(s.webLabels))
	page("GET /productions/{id}/qr/{kind}/{item}", s.webPage(s.webQR))
	page("GET /productions/{id}/day", s.webPage(s.webDay))
	page("GET /productions/{id}/concerns", s.webPage(s.webConcerns))
	page("GET /productions/{id}/concerns/{item}", s.webPage(s.webConcern))
	page("GET /productions/{id}/safety", s.webPage(s.webSafety))
	page("GET /productions/{id}/events", s.webPage(s.webEvents))
	page("GET /productions/{id}/investigation", s.webPage(s.webInvestigation))
	page("GET /productions/{id}/daily", s.webPage(s.webDaily))
	post("POST /productions/{id}/do", s.webPage(s.webDo))
	s.registerAdmin(page, post)  // web_admin.go
	s.registerPeople(page, post) // web_people.go
	s.registerPasswordPages(page, post)
}

// parsePages parses each page together with the layout and the shared partials.
// A template error is a bug in the embedded files: it panics at start-up.
func parsePages() map[string]*template.Template {
	shared := []string{"templates/layout.html", "templates/parts.html"}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		t := template.New(name).Funcs(templateFuncs)
		pages[name] = template.Must(t.ParseFS(templateFS, append(shared, n)...))
	}
	return pages
}

// cacheAssets lets browsers keep the assets for an hour: they change only with the
// binary, and a phone on a weak signal should not fetch them on every page.
func cacheAssets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// render writes a page. It renders into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data *pageData) {
	t := s.web.pages[name]
	if t == nil {
		s.webError(w, r, errors.New("no page "+name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.webError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// webError answers a page request that failed: the sign-in page for a caller who is
// not signed in, a plain page with the message for the errors a person can act on,
// and a logged, wordless 500 for the rest.
func (s *Server) webError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = s.storageFault(w, r, err) // 503 or 507: problem_storage.go
	}
	if ae == nil {
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{kind: kindInternal, detail: "Something went wrong on the server. Try again; if it keeps happening, tell the production's safety officer."}
	}
	if ae.kind == kindUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	data := &pageData{Title: http.StatusText(statuses[ae.kind]), Body: ae.detail}
	if c, err := s.caller(r); err == nil {
		data.Account = &c
	}
	data.CSRF = s.csrfToken(r)
	s.render(w, r, statuses[ae.kind], "error", data)
}

// pageData is what the layout needs, with the page's own view in Body.
type pageData struct {
	Title   string
	Path    string // where the page's forms return to
	Account *auth.Account
	Prod    *prodNav // nil outside a production
	CSRF    string
	Flash   *flash
	Live    bool   // subscribe to the production's events (assets/app.js)
	Now     string // the server clock, so countdowns count from it and not the phone's
	Body    any
}
