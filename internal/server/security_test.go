package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"coldset/internal/auth"
)

// wantHeaders are the security headers every answer carries, plain HTTP or TLS.
var wantHeaders = map[string]string{
	"Content-Security-Policy":    contentSecurityPolicy,
	"X-Content-Type-Options":     "nosniff",
	"Referrer-Policy":            "no-referrer",
	"X-Frame-Options":            "DENY",
	"Permissions-Policy":         permissionsPolicy,
	"Cross-Origin-Opener-Policy": "same-origin",
}

// checkHeaders reports every security header h lacks; tls says whether the answer
// went over TLS, where Strict-Transport-Security is required (and elsewhere refused).
func checkHeaders(t *testing.T, where string, h http.Header, tls bool) {
	t.Helper()
	for k, v := range wantHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s %q, want %q", where, k, got, v)
		}
	}
	hsts := h.Get("Strict-Transport-Security")
	switch {
	case tls && hsts != strictTransportSecurity:
		t.Errorf("%s: over TLS, Strict-Transport-Security %q, want %q", where, hsts, strictTransportSecurity)
	case !tls && hsts != "":
		t.Errorf("%s: over plain HTTP, Strict-Transport-Security %q, want none", where, hsts)
	}
}

func TestSecurityPolicyAllowsNothingInline(t *testing.T) {
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "data:", "http:"} {
		if strings.Contains(contentSecurityPolicy, bad) {
			t.Errorf("Content-Security-Policy %q allows %s", contentSecurityPolicy, bad)
		}
	}
	for _, must := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(contentSecurityPolicy, must) {
			t.Errorf("Content-Security-Policy %q lacks %s", contentSecurityPolicy, must)
		}
	}
}

// TestSecurityHeadersOnEveryRoute sends every row of the permission matrix as a
// person on the production, a member of another one and a caller without a session,
// plus the answers no route makes (an unknown path, a wrong method, a refused body),
// and checks every answer's headers.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	w := newMatrixWorld(t)
	var as []*caller
	for _, c := range w.callers {
		if c.person == "kim" || c.kind == kindOutsider || c.kind == kindNoSession {
			as = append(as, c)
		}
	}
	for _, r := range matrixRows() {
		for _, c := range as {
			req := r.req(c)
			rec := w.serve(c, req)
			checkHeaders(t, r.route+" "+r.name+" as "+c.name+" ("+http.StatusText(rec.Code)+")", rec.Header(), false)
		}
	}
	kim := as[0]
	for _, tt := range []struct {
		name string
		req  *http.Request
	}{
		{"404: no such API endpoint", httptest.NewRequest("GET", "/api/nothing", nil)},
		{"404: no such page", httptest.NewRequest("GET", "/nothing", nil)},
		{"405: wrong method", httptest.NewRequest("PATCH", "/api/session", nil)},
		{"415: refused body", httptest.NewRequest("POST", "/api/session", strings.NewReader("email=x"))},
	} {
		rec := w.serve(kim, tt.req)
		checkHeaders(t, tt.name, rec.Header(), false)
	}
}

// TestSecuritySessionCookies checks the cookies of both sign-ins: HttpOnly, so no
// script reads them; SameSite, so another site's page does not send them; Secure
// only where the answer went over TLS (TestTLSServe checks that side).
func TestSecuritySessionCookies(t *testing.T) {
	wc := newWebClient(t)
	resp, _ := wc.get("/signin")
	pre := cookieNamed(resp.Cookies(), csrfCookie)
	if pre == nil || !pre.HttpOnly || pre.SameSite != http.SameSiteStrictMode || pre.Secure {
		t.Errorf("pre-session cookie %+v: want HttpOnly, SameSite=Strict, not Secure over plain HTTP", pre)
	}
	_, page := wc.get("/signin")
	resp = wc.post("/signin", url.Values{"csrf": {csrfIn(t, page)}, "email": {"sol@dry-creek.test"}, "password": {"sol-dry-creek"}})
	s := cookieNamed(resp.Cookies(), sessionCookie)
	if resp.StatusCode != http.StatusSeeOther || s == nil {
		t.Fatalf("sign-in page: status %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	if !s.HttpOnly || s.SameSite != http.SameSiteLaxMode || s.Path != "/" || s.Secure || s.MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, a lifetime, not Secure over plain HTTP", s)
	}
}

func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestSecurityCSRFOnEveryForm posts to every form route of the pages (taken from the
// server's source, so a new form cannot be missed) without a token, with a made-up
// one, with the token of another browser, and from another site with the right
// token: each is refused, and nothing is recorded, signed in or signed out.
func TestSecurityCSRFOnEveryForm(t *testing.T) {
	w := newMatrixWorld(t)
	sol := w.callers[slices.IndexFunc(w.callers, func(c *caller) bool { return c.person == "sol" })]
	stranger := &caller{key: "stranger", secret: "someone else's browser", addr: "192.0.2.99:4000"}
	// A password link of sol's (web_password.go): a refused post leaves it unused.
	link, _, err := auth.LinkFor(context.Background(), w.accounts, sol.acct.Email, w.now)
	if err != nil {
		t.Fatal(err)
	}

	// refused says how each form turns away a post it cannot trust. The anonymous
	// forms carry no token by design (web_anon.go): they hold no authority a stranger
	// lacks (anyone may file; following a concern needs its receipt code) and must
	// set no cookie, so only the cross-site post is refused there.
	type refused struct {
		fields    url.Values
		status    int
		location  string // where the refusal redirects, for forms that go back to their page
		tokenless bool
	}
	forms := map[string]refused{
		"POST /signin":              {fields: url.Values{"email": {sol.key + "@matrix.test"}, "password": {"password of " + sol.key}}, status: 403},
		"POST /signout":             {status: 400},
		"POST /productions/{id}/do": {fields: url.Values{"do": {"hold.clear"}}, status: 303, location: "/productions/" + matrixProd},
		"POST /receipt":             {fields: url.Values{"production": {matrixProd}, "code": {sol.receipt}}, tokenless: true},
		"POST /report/{id}":         {fields: url.Values{"category": {"fatigue"}, "severity": {"low"}, "text": {"x"}}, tokenless: true},

		// The admin and people pages (web_admin.go, web_people.go).
		"POST /admin/productions": {fields: url.Values{"id": {"csrf-1"}, "name": {"X"}, "timezone": {"UTC"}}, status: 303, location: "/admin"},
		"POST /productions/{id}/invite": {fields: url.Values{"s:email": {"csrf@matrix.test"}, "s:name": {"X"}, "l:roles": {"crew"}},
			status: 303, location: "/productions/" + matrixProd + "/people"},

		// The password pages (web_password.go).
		"POST /password/{token}": {fields: url.Values{"password": {"a new password"}, "repeat": {"a new password"}}, status: 403},
		"POST /signin/forgot":    {fields: url.Values{"email": {sol.key + "@matrix.test"}}, status: 403},
	}
	paths := map[string]string{
		"POST /productions/{id}/do": "/productions/" + matrixProd + "/do",
		"POST /report/{id}":         "/report/" + matrixProd,

		"POST /productions/{id}/invite": "/productions/" + matrixProd + "/invite",

		"POST /password/{token}": "/password/" + link,
	}
	for _, route := range sourceRoutes(t) {
		if !strings.HasPrefix(route, "POST /") || strings.HasPrefix(route, "POST /api/") {
			continue
		}
		f, ok := forms[route]
		if !ok {
			t.Errorf("form route %s is not in TestSecurityCSRFOnEveryForm: say how it refuses a post without its token", route)
			continue
		}
		path := paths[route]
		if path == "" {
			path = strings.TrimPrefix(route, "POST ")
		}
		for _, tt := range []struct {
			name      string
			token     string
			crossSite bool
		}{
			{"no token", "", false},
			{"a made-up token", "bm90IGEgdG9rZW4", false},
			{"another browser's token", stranger.csrf(), false},
			{"the right token, from another site", sol.csrf(), true},
		} {
			if f.tokenless && !tt.crossSite {
				continue
			}
			v := url.Values{}
			for k, vs := range f.fields {
				v[k] = vs
			}
			if tt.token != "" {
				v.Set("csrf", tt.token)
			}
			req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			status, location := f.status, f.location
			if tt.crossSite {
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				status, location = http.StatusForbidden, ""
			}
			before := w.size()
			rec := w.serve(sol, req)
			where := route + " with " + tt.name
			if rec.Code != status {
				t.Errorf("%s: status %d, want %d", where, rec.Code, status)
			}
			if location != "" && rec.Header().Get("Location") != location {
				t.Errorf("%s: Location %q, want %q", where, rec.Header().Get("Location"), location)
			}
			if c := cookieNamed(rec.Result().Cookies(), sessionCookie); c != nil {
				t.Errorf("%s: the answer sets the session cookie %+v", where, c)
			}
			if after := w.size(); after != before {
				t.Errorf("%s: the ledger grew from %d to %d", where, before, after)
			}
		}
	}
	// sol's session survived every refused sign-out.
	if rec := w.serve(sol, httptest.NewRequest("GET", "/api/session", nil)); rec.Code != http.StatusOK {
		t.Errorf("after the refused sign-outs, the session answers %d", rec.Code)
	}
	if _, _, err := auth.CheckPasswordLink(context.Background(), w.accounts, link, w.now); err != nil {
		t.Errorf("after the refused posts, sol's password link: %v", err)
	}
}

// TestSecurityLedgerReadsMemberOnly: a production's ledger stays closed without a
// session, whatever the production is called.
func TestSecurityLedgerReadsMemberOnly(t *testing.T) {
	lg, st := newTestLedger(t)
	srv := newQuietServer(lg, st, Config{})
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/api/productions/bench-1/checkpoint", 401},
		{"/api/productions/bench-1/entries", 401},
		{"/api/productions/bench-1/proof/inclusion?index=0", 401},
		{"/api/productions/bench-1/proof/consistency?from=1", 401},
		{"/api/productions/dry-creek/checkpoint", 401},
		{"/api/productions/dry-creek/entries", 401},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.status {
			t.Errorf("GET %s without a session: %d, want %d", tt.path, rec.Code, tt.status)
		}
	}
}
