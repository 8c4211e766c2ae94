package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
)

func TestPasswordLinks(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	invited, _, err := auth.Invite(ctx, st, "new@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.AddAccount(ctx, st, "ana@example.com", "a long password", false); err != nil {
		t.Fatal(err)
	}

	links := []struct {
		email   string
		purpose string
		ttl     time.Duration
	}{
		{" New@Example.com ", auth.LinkInvite, auth.InviteLinkTTL},
		{"ana@example.com", auth.LinkReset, auth.ResetLinkTTL},
	}
	secrets := map[string]string{}
	for _, l := range links {
		secret, a, err := auth.LinkFor(ctx, st, l.email, now)
		if err != nil {
			t.Fatalf("LinkFor(%s): %v", l.email, err)
		}
		if len(secret) < 43 || strings.ContainsAny(secret, "/+=") {
			t.Errorf("secret %q: want 256 bits, URL-safe", secret)
		}
		got, acct, err := auth.CheckPasswordLink(ctx, st, secret, now)
		if err != nil || acct.ID != a.ID || got.Purpose != l.purpose || !got.Expires.Equal(now.Add(l.ttl)) {
			t.Errorf("%s: link %+v of %+v, %v; want %s for %v", l.email, got, acct, err, l.purpose, l.ttl)
		}
		secrets[l.purpose] = secret
	}
	if _, _, err := auth.LinkFor(ctx, st, "nobody@example.com", now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("LinkFor of an unknown e-mail: err = %v, want ErrNotFound", err)
	}

	invite := secrets[auth.LinkInvite]
	checks := []struct {
		name   string
		secret string
		at     time.Time
		want   error
	}{
		{"empty", "", now, auth.ErrNotFound},
		{"too long", strings.Repeat("x", 257), now, auth.ErrNotFound},
		{"unknown", auth.NewSecret(), now, auth.ErrNotFound},
		{"just before expiry", invite, now.Add(auth.InviteLinkTTL - time.Microsecond), nil},
		{"at expiry", invite, now.Add(auth.InviteLinkTTL), auth.ErrLinkExpired},
	}
	for _, c := range checks {
		if _, _, err := auth.CheckPasswordLink(ctx, st, c.secret, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: CheckPasswordLink = %v, want %v", c.name, err, c.want)
		}
	}

	// A password HashPassword refuses leaves the link as it was.
	if _, err := auth.UsePasswordLink(ctx, st, invite, "short", now); err == nil {
		t.Errorf("UsePasswordLink with a short password succeeded")
	}
	a, err := auth.UsePasswordLink(ctx, st, invite, "the new password", now)
	if err != nil || a.ID != invited.ID {
		t.Fatalf("UsePasswordLink = %+v, %v", a, err)
	}
	if _, err := auth.SignIn(ctx, st, "new@example.com", "the new password"); err != nil {
		t.Errorf("sign in with the password set through the link: %v", err)
	}
	if _, _, err := auth.CheckPasswordLink(ctx, st, invite, now); !errors.Is(err, auth.ErrLinkUsed) {
		t.Errorf("CheckPasswordLink after use: %v, want ErrLinkUsed", err)
	}
	if _, err := auth.UsePasswordLink(ctx, st, invite, "another password", now); !errors.Is(err, auth.ErrLinkUsed) {
		t.Errorf("UsePasswordLink again: %v, want ErrLinkUsed", err)
	}
	// ana's reset link is ana's alone: using new's did not use it up.
	if _, _, err := auth.CheckPasswordLink(ctx, st, secrets[auth.LinkReset], now); err != nil {
		t.Errorf("ana's link after new's was used: %v", err)
	}
	if _, err := auth.NewPasswordLink(ctx, st, a.ID, "other", now, time.Hour); err == nil {
		t.Errorf("a link of an unknown purpose was made")
	}
	if _, err := auth.NewPasswordLink(ctx, st, a.ID, auth.LinkReset, now, 0); err == nil {
		t.Errorf("a link that never expires was made")
	}
}

func TestCredentialID(t *testing.T) {
	h := auth.HashToken("coldset_secret")
	id := auth.CredentialID(h)
	if len(id) != 16 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("CredentialID = %q, want 16 lower-case hex digits", id)
	}
	if auth.CredentialID(auth.HashToken("coldset_other")) == id {
		t.Errorf("two secrets share an id")
	}
}
