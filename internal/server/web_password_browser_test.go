package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/notify"
)

// TestBrowserPasswordLink: an invited person opens the link, sets a password and is
// signed in; the link then says it was used; the forgot-password page, with and
// without a mail server. Every page is checked with axe-core and for gloves.
func TestBrowserPasswordLink(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	env := newWebEnv(t, now)
	// The pages run against a server of this test's own, on a store it can reach.
	lg, st := newTestLedger(t)
	srv := newQuietServer(lg, st, Config{})
	srv.api.now = func() time.Time { return now }
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	env.url = hs.URL

	accounts := st
	if _, _, err := auth.Invite(ctx, accounts, "lou@high-mesa.test"); err != nil {
		t.Fatal(err)
	}
	link, err := srv.passwordLink(httptest.NewRequest("GET", hs.URL+"/", nil), "lou@high-mesa.test")
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, hs.URL)

	lou := env.anonymous("lou")
	lou.open(path)
	lou.contains("main", "Set your password", "lou@high-mesa.test", "works once")
	lou.look("password-set")
	lou.set("#password", "a long new password")
	lou.set("#repeat", "a long new pasword")
	lou.click("form button")
	lou.contains("#flash", "not the same")
	lou.look("password-mismatch")
	lou.set("#password", "a long new password")
	lou.set("#repeat", "a long new password")
	lou.click("form button")
	lou.done("set the password")
	lou.contains("#flash", "Your password is set", "lou@high-mesa.test")
	if !lou.has(`form[action="/signout"]`) {
		t.Error("lou is not signed in after setting the password")
	}
	if _, err := auth.SignIn(ctx, accounts, "lou@high-mesa.test", "a long new password"); err != nil {
		t.Errorf("sign in with the password set in the browser: %v", err)
	}

	lou.open(path)
	lou.contains("main", "This link does not work", "used already")
	lou.look("password-link-used")

	ana := env.anonymous("ana")
	ana.open("/signin")
	ana.click(`a[href="/signin/forgot"]`)
	ana.contains("main", "Ask your studio admin")
	ana.look("forgot-no-mail")

	srv.pw.mail = &notify.SMTP{Addr: "127.0.0.1:1", From: "coldset@studio.test"} // nobody listens: the mail fails, unseen
	srv.pw.publicURL = hs.URL
	ana.open("/signin/forgot")
	ana.look("forgot")
	ana.set("#email", "ana@high-mesa.test")
	ana.click("form button")
	ana.contains("#flash", "If an account has the e-mail ana@high-mesa.test")
	ana.look("forgot-sent")
	srv.pw.sending.Wait()
}
