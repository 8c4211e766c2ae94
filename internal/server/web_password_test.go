package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/notify"
)

// formClient is a browser without a browser: it keeps cookies, does not follow
// redirects, and fills in the CSRF token of the last page it read.
type formClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

func newFormClient(t *testing.T, base string) *formClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &formClient{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (f *formClient) do(req *http.Request) reply {
	f.t.Helper()
	resp, err := f.c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	if m := csrfInput.FindSubmatch(body); m != nil {
		f.csrf = string(m[1])
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

func (f *formClient) get(path string) reply {
	f.t.Helper()
	req, err := http.NewRequest("GET", f.base+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do(req)
}

// post sends a form with the CSRF token of the last page read (unless it sets one).
func (f *formClient) post(path string, v url.Values) reply {
	f.t.Helper()
	if _, ok := v["csrf"]; !ok {
		v.Set("csrf", f.csrf)
	}
	req, err := http.NewRequest("POST", f.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.do(req)
}

// session is the session cookie the client holds, or "".
func (f *formClient) session() string {
	u, _ := url.Parse(f.base)
	for _, c := range f.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// linkFor makes a password link as a studio admin's page would, for a request to
// the test server.
func (ta *testAPI) linkFor(email string) string {
	ta.t.Helper()
	req := httptest.NewRequest("GET", ta.http.URL+"/admin", nil)
	link, err := ta.srv.passwordLink(req, email)
	if err != nil {
		ta.t.Fatal(err)
	}
	return link
}

func contains(t *testing.T, r reply, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("the page does not say %q:\n%s", w, r.body)
		}
	}
}

func TestPasswordLink(t *testing.T) {
	ctx := context.Background()
	ta := newTestAPI(t)
	invited, _, err := auth.Invite(ctx, ta.accounts, "new@crew.test")
	if err != nil {
		t.Fatal(err)
	}
	// Someone holds a session and a token of the account (made before it had a
	// password, as a script's might be).
	old, err := auth.Issue(ctx, ta.accounts, invited.ID, auth.KindSession, ta.clock(), auth.SessionTTL)
	if err != nil {
		t.Fatal(err)
	}
	token := ta.token(invited)
	oldBrowser := newFormClient(t, ta.http.URL)
	oldBrowser.c.Jar.SetCookies(mustURL(t, ta.http.URL), []*http.Cookie{{Name: sessionCookie, Value: old}})
	oldBrowser.get("/api/session").must(t, http.StatusOK) // now cached as valid

	link := ta.linkFor("New@Crew.test")
	if !strings.HasPrefix(link, ta.http.URL+"/password/") {
		t.Fatalf("link %q, want it on the server's address", link)
	}
	path := strings.TrimPrefix(link, ta.http.URL)
	b := newFormClient(t, ta.http.URL)

	page := b.get(path).must(t, http.StatusOK)
	contains(t, page, "Set your password", "new@crew.test", "works once")
	if cc := page.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q on a page with a secret in its address", cc)
	}
	if rp := page.header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("Referrer-Policy %q", rp)
	}

	refused := []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"no CSRF token", url.Values{"csrf": {""}, "password": {"a long password"}, "repeat": {"a long password"}}, 403, "expired"},
		{"another browser's token", url.Values{"csrf": {csrfFor("someone else")}, "password": {"a long password"}, "repeat": {"a long password"}}, 403, "expired"},
		{"the two differ", url.Values{"password": {"a long password"}, "repeat": {"a long passwort"}}, 400, "not the same"},
		{"too short", url.Values{"password": {"short"}, "repeat": {"short"}}, 400, "at least 8 characters"},
		{"too long", url.Values{"password": {strings.Repeat("x", 1025)}, "repeat": {strings.Repeat("x", 1025)}}, 400, "at most 1024"},
	}
	for _, tt := range refused {
		r := b.post(path, tt.form)
		if r.status != tt.status || !strings.Contains(string(r.body), tt.says) {
			t.Errorf("%s: status %d, want %d saying %q:\n%s", tt.name, r.status, tt.status, tt.says, r.body)
		}
	}
	if a, _ := ta.accounts.AccountByEmail(ctx, "new@crew.test"); a.PasswordHash != "" {
		t.Fatalf("a refused form set the password")
	}

	r := b.post(path, url.Values{"password": {"the chosen password"}, "repeat": {"the chosen password"}}).must(t, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/" {
		t.Errorf("after setting the password, sent to %q", loc)
	}
	if _, err := auth.SignIn(ctx, ta.accounts, "new@crew.test", "the chosen password"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if b.session() == "" {
		t.Fatal("the browser was not signed in")
	}
	b.get("/api/session").must(t, http.StatusOK)
	oldBrowser.get("/api/session").must(t, http.StatusUnauthorized) // at once, cache or not
	ta.call(token, "GET", "/api/session", nil).must(t, http.StatusOK)

	// The link works once.
	again := b.get(path).must(t, http.StatusGone)
	contains(t, again, "used already", "Ask your studio admin")
	b.post(path, url.Values{"password": {"another password"}, "repeat": {"another password"}}).must(t, http.StatusGone)
	if _, err := auth.SignIn(ctx, ta.accounts, "new@crew.test", "another password"); err == nil {
		t.Errorf("a used link set the password again")
	}

	// A reset link for an account with a password; it expires.
	reset := strings.TrimPrefix(ta.linkFor("new@crew.test"), ta.http.URL)
	contains(t, b.get(reset).must(t, http.StatusOK), "Set a new password")
	ta.setClock(ta.clock().Add(auth.ResetLinkTTL))
	contains(t, b.get(reset).must(t, http.StatusGone), "expired")
	b.post(reset, url.Values{"password": {"another password"}, "repeat": {"another password"}}).must(t, http.StatusGone)

	contains(t, b.get("/password/no-such-link").must(t, http.StatusNotFound), "not known")

	if _, err := ta.srv.passwordLink(httptest.NewRequest("GET", "/", nil), "nobody@crew.test"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("passwordLink of an unknown e-mail: err = %v, want ErrNotFound", err)
	}
	ta.srv.pw.publicURL = "https://coldset.example.org"
	if l := ta.linkFor("new@crew.test"); !strings.HasPrefix(l, "https://coldset.example.org/password/") {
		t.Errorf("with a public address, the link is %q", l)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestForgotPasswordWithoutMail(t *testing.T) {
	ta := newTestAPI(t)
	ta.account("ana@crew.test", false)
	b := newFormClient(t, ta.http.URL)
	contains(t, b.get("/signin").must(t, http.StatusOK), `href="/signin/forgot"`)
	contains(t, b.get("/signin/forgot").must(t, http.StatusOK), "Ask your studio admin")
	r := b.post("/signin/forgot", url.Values{"email": {"ana@crew.test"}}).must(t, http.StatusOK)
	contains(t, r, "Ask your studio admin")
	if strings.Contains(string(r.body), "on its way") {
		t.Errorf("without a mail server, the page says a link is on its way")
	}
	// A mail server without the public address is not enough: the link would be
	// built from the Host header the form was sent with.
	ta.srv.pw.mail = &notify.SMTP{Addr: "127.0.0.1:1", From: "coldset@studio.test"}
	contains(t, b.get("/signin/forgot").must(t, http.StatusOK), "Ask your studio admin")
}

func TestForgotPassword(t *testing.T) {
	ctx := context.Background()
	sink := startMailSink(t)
	ta := newTestAPI(t)
	ta.srv.pw.mail = &notify.SMTP{Addr: sink.addr, From: "coldset@studio.test"}
	ta.srv.pw.publicURL = ta.http.URL
	ta.account("ana@crew.test", false)
	ana, _ := ta.accounts.AccountByEmail(ctx, "ana@crew.test")
	session, err := auth.Issue(ctx, ta.accounts, ana.ID, auth.KindSession, ta.clock(), auth.SessionTTL)
	if err != nil {
		t.Fatal(err)
	}

	b := newFormClient(t, ta.http.URL)
	b.get("/signin/forgot").must(t, http.StatusOK)
	known := b.post("/signin/forgot", url.Values{"email": {"Ana@crew.test"}}).must(t, http.StatusOK)
	unknown := b.post("/signin/forgot", url.Values{"email": {"zed@crew.test"}}).must(t, http.StatusOK)
	contains(t, known, "on its way")
	norm := func(r reply) string {
		s := strings.NewReplacer("ana@crew.test", "E", "zed@crew.test", "E").Replace(string(r.body))
		return csrfInput.ReplaceAllString(s, "")
	}
	if a, b := norm(known), norm(unknown); a != b {
		t.Errorf("the answer differs for an e-mail with an account and one without:\n%s\n%s", a, b)
	}
	ta.srv.pw.sending.Wait()
	msgs := sink.messages(t)
	if len(msgs) != 1 || msgs[0].to != "ana@crew.test" {
		t.Fatalf("mails %+v, want one to ana@crew.test", msgs)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(ta.http.URL) + `/password/[A-Za-z0-9_-]+`).FindString(msgs[0].text)
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", msgs[0].text)
	}
	path := strings.TrimPrefix(link, ta.http.URL)
	b.get(path).must(t, http.StatusOK)
	b.post(path, url.Values{"password": {"a fresh password"}, "repeat": {"a fresh password"}}).must(t, http.StatusSeeOther)
	if _, err := auth.SignIn(ctx, ta.accounts, "ana@crew.test", "a fresh password"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if _, _, err := ta.accounts.CredentialAccount(ctx, auth.HashToken(session), ta.clock()); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("the session from before the reset still works: %v", err)
	}
	// The mailed link lasts an hour.
	l, _, err := ta.accounts.PasswordLinkAccount(ctx, auth.HashToken(strings.TrimPrefix(path, "/password/")))
	if err != nil || l.Expires.Sub(l.Created) != auth.MailedLinkTTL {
		t.Errorf("mailed link %+v, %v: want it to last %v", l, err, auth.MailedLinkTTL)
	}

	// Three links an hour for one e-mail, asked for or not.
	b.get("/signin/forgot") // signed in now: the form's token is the session's
	for i := range 3 {
		status := http.StatusOK
		if i == 2 {
			status = http.StatusTooManyRequests
		}
		r := b.post("/signin/forgot", url.Values{"email": {"ana@crew.test"}}).must(t, status)
		if status == http.StatusTooManyRequests {
			contains(t, r, "Try again after")
			if r.header.Get("Retry-After") == "" {
				t.Errorf("no Retry-After")
			}
		}
	}
	b.post("/signin/forgot", url.Values{"email": {"zed@crew.test"}}).must(t, http.StatusOK)
	b.post("/signin/forgot", url.Values{"email": {"zed@crew.test"}}).must(t, http.StatusOK)
	b.post("/signin/forgot", url.Values{"email": {"zed@crew.test"}}).must(t, http.StatusTooManyRequests)
	ta.setClock(ta.clock().Add(linkWindow))
	b.post("/signin/forgot", url.Values{"email": {"ana@crew.test"}}).must(t, http.StatusOK)
	b.post("/signin/forgot", url.Values{"email": {"not an address"}}).must(t, http.StatusBadRequest)
	b.post("/signin/forgot", url.Values{"email": {"ana@crew.test"}, "csrf": {"made up"}}).must(t, http.StatusForbidden)
	ta.srv.pw.sending.Wait()
	if n := len(sink.messages(t)); n != 4 {
		t.Errorf("%d mails in all, want 4 (three for ana within the limit, one after the hour)", n)
	}
}

func TestLinkLimiter(t *testing.T) {
	l := newLinkLimiter()
	now := dayOne
	for i := range linksPerAddr {
		if _, ok := l.take(fmt.Sprintf("e%d@x.test", i), "192.0.2.1", now); !ok {
			t.Fatalf("mail %d from one address refused", i+1)
		}
	}
	until, ok := l.take("other@x.test", "192.0.2.1", now.Add(time.Minute))
	if ok || !until.Equal(now.Add(linkWindow)) {
		t.Errorf("one more from the address: %v, %v; want refused until %v", until, ok, now.Add(linkWindow))
	}
	if _, ok := l.take("other@x.test", "192.0.2.2", now.Add(time.Minute)); !ok {
		t.Errorf("another address was refused")
	}
	if _, ok := l.take("other@x.test", "192.0.2.1", now.Add(linkWindow)); !ok {
		t.Errorf("the address was still refused after the window")
	}
	for i := range linksPerServer {
		if _, ok := l.take(fmt.Sprintf("s%d@x.test", i), fmt.Sprint("198.51.100.", i), now.Add(2*linkWindow+time.Duration(i))); !ok {
			t.Fatalf("mail %d to the server refused", i+1)
		}
	}
	if _, ok := l.take("t@x.test", "192.0.2.9", now.Add(2*linkWindow+time.Hour/2)); ok {
		t.Errorf("the server's limit let one more through")
	}
}

func TestTokensAPI(t *testing.T) {
	ctx := context.Background()
	ta := newTestAPI(t)
	first := ta.account("ana@crew.test", false)
	ana, _ := ta.accounts.AccountByEmail(ctx, "ana@crew.test")
	ta.setClock(ta.clock().Add(time.Minute))
	second := ta.token(ana)
	kim := ta.account("kim@crew.test", false)

	var list tokensJSON
	decode(t, ta.call(first, "GET", "/api/tokens", nil).must(t, http.StatusOK).body, &list)
	if len(list.Tokens) != 2 || !list.Tokens[0].Current || list.Tokens[1].Current || list.Tokens[0].Expires != nil {
		t.Fatalf("tokens %+v: want ana's two, the first the one sent", list.Tokens)
	}
	if id := list.Tokens[1].ID; id != auth.CredentialID(auth.HashToken(second)) || len(id) != 16 {
		t.Errorf("the second token's id is %q", id)
	}
	var kims tokensJSON
	decode(t, ta.call(kim, "GET", "/api/tokens", nil).must(t, http.StatusOK).body, &kims)

	ta.call(second, "GET", "/api/session", nil).must(t, http.StatusOK) // cached as valid
	ta.call(first, "DELETE", "/api/tokens/"+kims.Tokens[0].ID, nil).must(t, http.StatusNotFound)
	ta.call(kim, "GET", "/api/session", nil).must(t, http.StatusOK)
	ta.call(first, "DELETE", "/api/tokens/0000000000000000", nil).must(t, http.StatusNotFound)

	ta.call(first, "DELETE", "/api/tokens/"+strings.ToUpper(list.Tokens[1].ID), nil).must(t, http.StatusNoContent)
	ta.call(second, "GET", "/api/session", nil).must(t, http.StatusUnauthorized)
	ta.call(first, "DELETE", "/api/tokens/"+list.Tokens[1].ID, nil).must(t, http.StatusNotFound)

	// A token may revoke itself.
	ta.call(first, "DELETE", "/api/tokens/"+list.Tokens[0].ID, nil).must(t, http.StatusNoContent)
	ta.call(first, "GET", "/api/tokens", nil).must(t, http.StatusUnauthorized)
}

func TestTrustProxy(t *testing.T) {
	tests := []struct {
		name  string
		trust bool
		proto []string // X-Forwarded-Proto values
		https bool
	}{
		{"not trusted", false, []string{"https"}, false},
		{"trusted, https", true, []string{"https"}, true},
		{"trusted, upper case", true, []string{"HTTPS"}, true},
		{"trusted, http", true, []string{"http"}, false},
		{"trusted, no header", true, nil, false},
		{"trusted, the proxy appended http", true, []string{"https, http"}, false},
		{"trusted, the proxy appended https", true, []string{"http, https"}, true},
		{"trusted, the proxy added a second header", true, []string{"http", "https"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestAPI(t)
			ta.srv.trustProxy = tt.trust
			ta.account("ana@crew.test", false)
			req := httptest.NewRequest("GET", "http://coldset.example.org/signin", nil)
			for _, p := range tt.proto {
				req.Header.Add("X-Forwarded-Proto", p)
			}
			rec := httptest.NewRecorder()
			ta.srv.ServeHTTP(rec, req)
			var csrf *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == csrfCookie {
					csrf = c
				}
			}
			if csrf == nil || csrf.Secure != tt.https {
				t.Errorf("CSRF cookie %+v, want Secure %v", csrf, tt.https)
			}
			if got := rec.Header().Get("Strict-Transport-Security") != ""; got != tt.https {
				t.Errorf("Strict-Transport-Security sent: %v, want %v", got, tt.https)
			}
			// The addresses the pages build (QR codes, the report poster, links).
			r := ta.srv.forwarded(req)
			want := "http://coldset.example.org/x"
			if tt.https {
				want = "https://coldset.example.org/x"
			}
			if got := absoluteURL(r, "/x"); got != want {
				t.Errorf("absoluteURL = %q, want %q", got, want)
			}
			link, err := ta.srv.passwordLink(r, "ana@crew.test")
			if err != nil || !strings.HasPrefix(link, strings.TrimSuffix(want, "/x")+"/password/") {
				t.Errorf("passwordLink = %q, %v", link, err)
			}
			// A session cookie from signing in is Secure alike.
			form := url.Values{"email": {"ana@crew.test"}, "password": {"password of ana@crew.test"}, "csrf": {csrfFor(csrf.Value)}}
			req = httptest.NewRequest("POST", "http://coldset.example.org/signin", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: csrfCookie, Value: csrf.Value})
			for _, p := range tt.proto {
				req.Header.Add("X-Forwarded-Proto", p)
			}
			rec = httptest.NewRecorder()
			ta.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
			}
			for _, c := range rec.Result().Cookies() {
				if c.Name == sessionCookie && c.Secure != tt.https {
					t.Errorf("session cookie Secure %v, want %v", c.Secure, tt.https)
				}
			}
		})
	}
}

// mailSink is a real SMTP server (Debian's python3-aiosmtpd) writing what it
// accepts into a Maildir.
type mailSink struct {
	addr, dir string
}

type mailMessage struct{ to, subject, text string }

// startMailSink starts the mail server, stopped when the test ends. Without aiosmtpd
// the test is skipped, or fails when the environment variable CI is set.
func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import aiosmtpd").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no aiosmtpd (apt-get install python3-aiosmtpd): %v", err)
		}
		t.Skipf("no aiosmtpd (apt-get install python3-aiosmtpd): %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &mailSink{addr: ln.Addr().String(), dir: filepath.Join(t.TempDir(), "maildir")}
	ln.Close()
	cmd := exec.Command(python, "-m", "aiosmtpd", "-n", "-l", s.addr, "-c", "aiosmtpd.handlers.Mailbox", s.dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("SMTP server at %s did not start: %v", s.addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *mailSink) messages(t *testing.T) []mailMessage {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.dir, "new", "*"))
	var out []mailMessage
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		out = append(out, mailMessage{to: m.Header.Get("X-RcptTo"), subject: m.Header.Get("Subject"), text: strings.ReplaceAll(string(body), "\r\n", "\n")})
	}
	return out
}
