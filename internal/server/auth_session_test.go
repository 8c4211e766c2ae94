package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"coldset/internal/auth"
)

// signIn posts an e-mail and password and returns the reply.
func (ta *testAPI) signIn(email, password string) reply {
	ta.t.Helper()
	return ta.call("", "POST", "/api/session", map[string]string{"email": email, "password": password})
}

// withCookie sends a request carrying the session cookie from a sign-in reply.
func (ta *testAPI) withCookie(session reply, method, path string, body string) reply {
	ta.t.Helper()
	req, err := http.NewRequest(method, ta.http.URL+path, strings.NewReader(body))
	if err != nil {
		ta.t.Fatal(err)
	}
	for _, c := range (&http.Response{Header: session.header}).Cookies() {
		req.AddCookie(c)
	}
	return ta.send(req)
}

func TestSession(t *testing.T) {
	ta := newTestAPI(t)
	ta.dryCreek()
	ctx := context.Background()
	if _, err := auth.AddAccount(ctx, ta.accounts, "kim@crew.test", "kim's password", false); err != nil {
		t.Fatal(err) // kim was invited: the password comes now
	}

	t.Run("401: wrong password and unknown e-mail answer alike", func(t *testing.T) {
		a := wantProblem(t, ta.signIn("kim@crew.test", "wrong password"), http.StatusUnauthorized, "", "")
		b := wantProblem(t, ta.signIn("nobody@crew.test", "kim's password"), http.StatusUnauthorized, "", "")
		if a["detail"] != b["detail"] {
			t.Errorf("details differ: %q and %q", a["detail"], b["detail"])
		}
	})
	t.Run("401: an invited account without a password", func(t *testing.T) {
		wantProblem(t, ta.signIn("ana@crew.test", ""), http.StatusUnauthorized, "", "")
	})

	session := ta.signIn("KIM@crew.test", "kim's password").must(t, http.StatusCreated)
	t.Run("201: the cookie is HttpOnly, SameSite=Lax, and only its hash is stored", func(t *testing.T) {
		cookies := (&http.Response{Header: session.header}).Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies %v, want one", cookies)
		}
		c := cookies[0]
		if c.Name != sessionCookie || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
			t.Errorf("cookie %+v: want %s, HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c, sessionCookie)
		}
		if len(c.Value) < 43 {
			t.Errorf("session secret %q is shorter than 256 bits", c.Value)
		}
		if _, _, err := ta.accounts.CredentialAccount(ctx, []byte(c.Value), ta.clock()); err == nil {
			t.Errorf("the secret itself is a key in the store")
		}
		if _, _, err := ta.accounts.CredentialAccount(ctx, auth.HashToken(c.Value), ta.clock()); err != nil {
			t.Errorf("the secret's hash is not stored: %v", err)
		}
	})
	t.Run("200: the session reads the account and its productions", func(t *testing.T) {
		body := ta.withCookie(session, "GET", "/api/session", "").must(t, http.StatusOK).json(t)
		if body["email"] != "kim@crew.test" || !strings.Contains(string(mustJSON(t, body["productions"])), `"person":"kim"`) {
			t.Errorf("session answered %v", body)
		}
		ta.withCookie(session, "GET", "/api/productions/dry-creek", "").must(t, http.StatusOK)
	})
	t.Run("403: a cross-site POST with the cookie is refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", ta.http.URL+"/api/productions/dry-creek/actions", bytes.NewBufferString(`{"do":"hold.clear"}`))
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		for _, c := range (&http.Response{Header: session.header}).Cookies() {
			req.AddCookie(c)
		}
		if r := ta.send(req); r.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.status)
		}
	})
	t.Run("204: signing out ends the session", func(t *testing.T) {
		ta.withCookie(session, "DELETE", "/api/session", "").must(t, http.StatusNoContent)
		wantProblem(t, ta.withCookie(session, "GET", "/api/session", ""), http.StatusUnauthorized, "", "")
	})
	t.Run("401: a session expires", func(t *testing.T) {
		s := ta.signIn("kim@crew.test", "kim's password").must(t, http.StatusCreated)
		ta.setClock(ta.clock().Add(auth.SessionTTL))
		defer ta.setClock(dayOne)
		wantProblem(t, ta.withCookie(s, "GET", "/api/session", ""), http.StatusUnauthorized, "", "")
	})
	t.Run("401: a session secret is not a bearer token", func(t *testing.T) {
		s := ta.signIn("kim@crew.test", "kim's password").must(t, http.StatusCreated)
		secret := (&http.Response{Header: s.header}).Cookies()[0].Value
		wantProblem(t, ta.call(secret, "GET", "/api/session", nil), http.StatusUnauthorized, "", "")
	})
}
