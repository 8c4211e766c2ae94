package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/rules"
	"coldset/internal/store/storetest"
)

// TestAuthCache checks that what the server keeps of authentication never lets in a
// caller the store would refuse, once the change went through the server: each case
// first makes the caller's answer cached (a request that succeeds), then changes the
// store, then asks again at once.
func TestAuthCache(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	ctx := context.Background()
	if _, err := auth.AddAccount(ctx, ta.accounts, "kim@crew.test", "kim's password", false); err != nil {
		t.Fatal(err)
	}

	t.Run("a signed-out session is refused at once", func(t *testing.T) {
		session := ta.signIn("kim@crew.test", "kim's password").must(t, http.StatusCreated)
		ta.withCookie(session, "GET", "/api/productions/dry-creek", "").must(t, http.StatusOK)
		ta.withCookie(session, "DELETE", "/api/session", "").must(t, http.StatusNoContent)
		ta.withCookie(session, "GET", "/api/productions/dry-creek", "").must(t, http.StatusUnauthorized)
	})

	t.Run("a credential removed and forgotten is refused at once", func(t *testing.T) {
		a, err := ta.accounts.AccountByEmail(ctx, "kim@crew.test")
		if err != nil {
			t.Fatal(err)
		}
		token := ta.token(a)
		ta.call(token, "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)
		if err := ta.accounts.DeleteCredential(ctx, auth.HashToken(token)); err != nil {
			t.Fatal(err)
		}
		ta.srv.forgetAuth(a.ID)
		ta.call(token, "GET", "/api/productions/dry-creek", nil).must(t, http.StatusUnauthorized)
		// The account's other credentials still work: they are read again.
		ta.call(tok["kim"], "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)
	})

	t.Run("a grant works at once, also when made behind the server", func(t *testing.T) {
		admin := ta.account("second-admin@studio.test", true)
		ta.call(admin, "POST", "/api/productions", map[string]any{"id": "wet-creek", "name": "Wet Creek", "timezone": "UTC"}).must(t, http.StatusCreated)
		a, err := ta.accounts.AccountByEmail(ctx, "kim@crew.test")
		if err != nil {
			t.Fatal(err)
		}
		ta.call(tok["kim"], "GET", "/api/productions/wet-creek", nil).must(t, http.StatusNotFound)
		p, err := ta.srv.production(ctx, "wet-creek")
		if err != nil {
			t.Fatal(err)
		}
		if res, err := p.Do(ctx, rules.Actor{}, rules.Command{Do: "person.add", With: []byte(`{"id":"kim","name":"Kim Lee","roles":["actor"]}`)}, ta.clock()); err != nil || res.Outcome == rules.Refused {
			t.Fatalf("person.add: %v %+v", err, res)
		}
		if err := ta.accounts.Grant(ctx, auth.Membership{Account: a.ID, Production: "wet-creek", Person: "kim"}); err != nil {
			t.Fatal(err)
		}
		ta.call(tok["kim"], "GET", "/api/productions/wet-creek", nil).must(t, http.StatusOK)
	})

	t.Run("an expired session is refused although it was cached", func(t *testing.T) {
		session := ta.signIn("kim@crew.test", "kim's password").must(t, http.StatusCreated)
		ta.withCookie(session, "GET", "/api/session", "").must(t, http.StatusOK)
		ta.setClock(ta.clock().Add(auth.SessionTTL + time.Minute))
		ta.withCookie(session, "GET", "/api/session", "").must(t, http.StatusUnauthorized)
	})
}

// BenchmarkAuthenticate measures what every request pays to authenticate and find
// the caller's person on a production: through the cache, and through the store
// (SQLite) as without it.
func BenchmarkAuthenticate(b *testing.B) {
	st := storetest.OpenSQLite(b)
	accounts := st
	ctx := context.Background()
	a, err := auth.AddAccount(ctx, accounts, "kim@crew.test", "kim's password", false)
	if err != nil {
		b.Fatal(err)
	}
	if err := accounts.Grant(ctx, auth.Membership{Account: a.ID, Production: "dry-creek", Person: "kim"}); err != nil {
		b.Fatal(err)
	}
	token, err := auth.Issue(ctx, accounts, a.ID, auth.KindToken, time.Now(), 0)
	if err != nil {
		b.Fatal(err)
	}
	s := New(Config{Accounts: accounts, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	b.Run("cache", func(b *testing.B) {
		for b.Loop() {
			acct, err := s.authenticate(ctx, auth.KindToken, token, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.memberships(ctx, acct.ID, "dry-creek"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			acct, err := auth.Authenticate(ctx, accounts, auth.KindToken, token, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := accounts.Memberships(ctx, acct.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
