package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"coldset/internal/demo"
)

func TestFormWith(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"strings, numbers and booleans", url.Values{"s:firearm": {"colt-1"}, "n:rounds": {"6"}, "b:planned": {"true"}},
			`{"firearm":"colt-1","planned":true,"rounds":6}`},
		{"empty fields are left out for the rules to name", url.Values{"s:lot": {""}, "n:rounds": {" "}, "s:load": {"empty"}},
			`{"load":"empty"}`},
		{"a number that is not one stays text, to be refused naming the field", url.Values{"n:count": {"six"}},
			`{"count":"six"}`},
		{"lists from several fields and from lines", url.Values{"l:attendees": {"ana", "dan"}, "l:topics": {"abort word\n\n shields \n"}},
			`{"attendees":["ana","dan"],"topics":["abort word","shields"]}`},
		{"untyped fields are not part of the action", url.Values{"csrf": {"x"}, "do": {"hold.clear"}, "back": {"/"}},
			`{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(formWith(tt.form))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// webClient is a cookie-keeping client of a server with the demo cast.
type webClient struct {
	t   *testing.T
	url string
	c   *http.Client
	srv *Server
	now time.Time // the server's clock
}

func newWebClient(t *testing.T) *webClient {
	t.Helper()
	return newWebClientWithin(t, Timeouts{})
}

// newWebClientWithin is newWebClient on a server with the timeouts tm (none: zero).
func newWebClientWithin(t *testing.T, tm Timeouts) *webClient {
	t.Helper()
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	lg, st := newDemoLedger(t, demo.Options{Now: now})
	srv := newQuietServer(lg, st, Config{})
	srv.api.now = func() time.Time { return now }
	hs := httptest.NewUnstartedServer(srv)
	hs.Config = srv.HTTPServer(tm)
	hs.Start()
	t.Cleanup(hs.Close)
	jar, _ := cookiejar.New(nil)
	c := hs.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &webClient{t: t, url: hs.URL, c: c, srv: srv, now: now}
}

func (wc *webClient) get(path string) (*http.Response, string) {
	wc.t.Helper()
	resp, err := wc.c.Get(wc.url + path)
	if err != nil {
		wc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (wc *webClient) post(path string, form url.Values) *http.Response {
	wc.t.Helper()
	resp, err := wc.c.PostForm(wc.url+path, form)
	if err != nil {
		wc.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in %s", page)
	}
	return m[1]
}

func (wc *webClient) signIn(person string) string {
	wc.t.Helper()
	_, page := wc.get("/signin")
	resp := wc.post("/signin", url.Values{"csrf": {csrfIn(wc.t, page)}, "email": {demo.Email(person)}, "password": {demo.Password(person)}})
	if resp.StatusCode != http.StatusSeeOther {
		wc.t.Fatalf("sign in: status %d", resp.StatusCode)
	}
	_, page = wc.get("/productions/dry-creek")
	return csrfIn(wc.t, page)
}

func TestWebPages(t *testing.T) {
	wc := newWebClient(t)

	t.Run("a page asks for sign-in first", func(t *testing.T) {
		resp, _ := wc.get("/productions/dry-creek/armory")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=") {
			t.Errorf("status %d to %q, want 303 to the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("sign-in without the form's token is refused", func(t *testing.T) {
		resp := wc.post("/signin", url.Values{"email": {demo.Email("ana")}, "password": {demo.Password("ana")}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})

	token := wc.signIn("ana")
	t.Run("pages allow no inline script or style", func(t *testing.T) {
		resp, page := wc.get("/productions/dry-creek/armory")
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != http.StatusOK || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("status %d, CSP %q", resp.StatusCode, csp)
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "style=") || strings.Contains(page, "<style") || strings.Contains(page, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(page) {
			t.Error("the page has inline script or style")
		}
	})
	t.Run("an action without the CSRF token is not done", func(t *testing.T) {
		resp := wc.post("/productions/dry-creek/do", url.Values{"do": {"firearm.register"}, "s:id": {"colt-9"}, "s:serial": {"X"}, "s:type": {"pistol"}, "s:capability": {"non_firing"}})
		_, page := wc.get("/productions/dry-creek/armory")
		if resp.StatusCode != http.StatusSeeOther || strings.Contains(page, "colt-9") || !strings.Contains(page, "the form had expired") {
			t.Errorf("status %d; colt-9 registered or no message", resp.StatusCode)
		}
	})
	t.Run("an action redirects back with its outcome", func(t *testing.T) {
		resp := wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"firearm.register"}, "back": {"/productions/dry-creek/armory"},
			"s:id": {"colt-9"}, "s:serial": {"X"}, "s:type": {"pistol"}, "s:capability": {"non_firing"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/productions/dry-creek/armory" {
			t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page := wc.get("/productions/dry-creek/armory")
		if !strings.Contains(page, "Firearm registered.") || !strings.Contains(page, "colt-9") {
			t.Error("no outcome, or colt-9 not in the armory")
		}
	})
	t.Run("a refusal shows the rule in words", func(t *testing.T) {
		wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"firearm.handoff"}, "back": {"https://elsewhere.test/"},
			"s:firearm": {"colt-9"}, "s:to": {"kim"}})
		_, page := wc.get("/productions/dry-creek")
		for _, want := range []string{"Not done:", "The rule:", "inspect-before-handoff"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("QR labels are SVG", func(t *testing.T) {
		resp, svg := wc.get("/productions/dry-creek/qr/firearm/colt-9")
		if resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg, "<svg") {
			t.Errorf("content type %q, body %.40q", resp.Header.Get("Content-Type"), svg)
		}
	})
	t.Run("another production is not here", func(t *testing.T) {
		if resp, _ := wc.get("/productions/elsewhere"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
}
