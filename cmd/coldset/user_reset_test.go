package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/store/sqlite"
)

func TestUserReset(t *testing.T) {
	ctx := context.Background()
	db := newProductionDB(t)
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := auth.Invite(ctx, st, "new@crew.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.AddAccount(ctx, st, "ana@crew.test", "a long password", false); err != nil {
		t.Fatal(err)
	}
	reset := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := user(ctx, append(append([]string{"reset"}, args...), "--db", db), strings.NewReader(""), &out)
		return strings.TrimSpace(out.String()), err
	}
	tests := []struct {
		name    string
		args    []string
		prefix  string
		purpose string
		ttl     time.Duration
	}{
		{"an invited account", []string{"New@Crew.test", "--url", "https://coldset.example.org/"}, "https://coldset.example.org/password/", auth.LinkInvite, auth.InviteLinkTTL},
		{"an account with a password", []string{"--email", "ana@crew.test", "--url", "http://10.0.0.5:8080"}, "http://10.0.0.5:8080/password/", auth.LinkReset, auth.ResetLinkTTL},
		{"no --url", []string{"ana@crew.test"}, "http://127.0.0.1:8080/password/", auth.LinkReset, auth.ResetLinkTTL},
	}
	t.Setenv("COLDSET_URL", "")
	t.Setenv("COLDSET_ADDR", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link, err := reset(tt.args...)
			if err != nil {
				t.Fatalf("user reset: %v", err)
			}
			secret, ok := strings.CutPrefix(link, tt.prefix)
			if !ok || strings.Contains(secret, "/") || len(secret) < 40 {
				t.Fatalf("printed %q, want %s and a secret", link, tt.prefix)
			}
			l, _, err := auth.CheckPasswordLink(ctx, st, secret, time.Now())
			if err != nil || l.Purpose != tt.purpose || l.Expires.Sub(l.Created) != tt.ttl {
				t.Errorf("the link is %+v, %v; want a %s link for %v", l, err, tt.purpose, tt.ttl)
			}
		})
	}
	// The printed link sets the password once.
	link, err := reset("ana@crew.test", "--url", "https://coldset.example.org")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimPrefix(link, "https://coldset.example.org/password/")
	if _, err := auth.UsePasswordLink(ctx, st, secret, "a new password", time.Now()); err != nil {
		t.Fatalf("use the link: %v", err)
	}
	if _, err := auth.SignIn(ctx, st, "ana@crew.test", "a new password"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if _, err := auth.UsePasswordLink(ctx, st, secret, "a third password", time.Now()); !errors.Is(err, auth.ErrLinkUsed) {
		t.Errorf("second use: err = %v, want ErrLinkUsed", err)
	}

	for _, args := range [][]string{{"nobody@crew.test"}, {"ana@crew.test", "--url", "ftp://x"}, {"ana@crew.test", "--url", "coldset.example.org"}} {
		if _, err := reset(args...); err == nil {
			t.Errorf("user reset %v succeeded", args)
		}
	}
	if _, err := reset(); err == nil {
		t.Errorf("user reset without an e-mail succeeded")
	}
}

func TestTokenListAndRevoke(t *testing.T) {
	ctx := context.Background()
	db := newProductionDB(t)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := token(ctx, append(args, "--db", db), &out)
		return out.String(), err
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, e := range []string{"ana@crew.test", "kim@crew.test"} {
		if _, err := auth.AddAccount(ctx, st, e, "a long password", false); err != nil {
			t.Fatal(err)
		}
	}
	var secrets []string
	for _, e := range []string{"ana@crew.test", "ana@crew.test", "kim@crew.test"} {
		out, err := run("create", "--email", e)
		if err != nil {
			t.Fatalf("token create: %v", err)
		}
		secrets = append(secrets, strings.TrimSpace(out))
	}
	id := func(secret string) string { return auth.CredentialID(auth.HashToken(secret)) }

	out, err := run("list", "ana@crew.test")
	if err != nil {
		t.Fatalf("token list: %v", err)
	}
	if !strings.Contains(out, id(secrets[0])) || !strings.Contains(out, id(secrets[1])) || strings.Contains(out, id(secrets[2])) {
		t.Errorf("token list ana printed:\n%s\nwant ana's two ids (%s, %s) and not kim's", out, id(secrets[0]), id(secrets[1]))
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("token list printed a secret")
		}
	}

	out, err = run("revoke", strings.ToUpper(id(secrets[1])))
	if err != nil || !strings.Contains(out, "ana@crew.test") {
		t.Fatalf("token revoke: %q, %v", out, err)
	}
	for i, s := range secrets {
		_, err := auth.Authenticate(ctx, st, auth.KindToken, s, time.Now())
		if (i == 1) != errors.Is(err, auth.ErrNotFound) {
			t.Errorf("token %d after revoking token 1: err = %v", i, err)
		}
	}
	if _, err := run("revoke", id(secrets[1])); err == nil {
		t.Errorf("revoking a revoked token succeeded")
	}
	for _, args := range [][]string{{"revoke"}, {"list"}, {"list", "nobody@crew.test"}, {"remove", "x"}} {
		if _, err := run(args...); err == nil {
			t.Errorf("token %v succeeded", args)
		}
	}
}
