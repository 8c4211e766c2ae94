package auth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/store/sqlite"
)

func openStore(t *testing.T) auth.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "coldset.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var now = time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)

func TestIssueAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	a, err := auth.AddAccount(ctx, st, "ana@example.com", "a long password", false)
	if err != nil {
		t.Fatal(err)
	}
	session, err := auth.Issue(ctx, st, a.ID, auth.KindSession, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token, err := auth.Issue(ctx, st, a.ID, auth.KindToken, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, auth.TokenPrefix) || strings.HasPrefix(session, auth.TokenPrefix) {
		t.Errorf("token %q should start with %q, session %q should not", token, auth.TokenPrefix, session)
	}
	tests := []struct {
		name, kind, secret string
		at                 time.Time
		ok                 bool
	}{
		{"session cookie", auth.KindSession, session, now, true},
		{"expired session", auth.KindSession, session, now.Add(time.Hour), false},
		{"api token", auth.KindToken, token, now.AddDate(1, 0, 0), true},
		{"session used as a token", auth.KindToken, session, now, false},
		{"token used as a session", auth.KindSession, token, now, false},
		{"unknown token", auth.KindToken, auth.TokenPrefix + "nope", now, false},
		{"empty", auth.KindSession, "", now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.Authenticate(ctx, st, tt.kind, tt.secret, tt.at)
			if !tt.ok {
				if !errors.Is(err, auth.ErrNotFound) {
					t.Errorf("Authenticate: err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil || got.ID != a.ID {
				t.Errorf("Authenticate = %+v, %v; want account %d", got, err, a.ID)
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if _, err := auth.AddAccount(ctx, st, "Ana@example.com", "a long password", true); err != nil {
		t.Fatal(err)
	}
	invited, _, err := auth.Invite(ctx, st, "kim@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		ok                    bool
	}{
		{"right password", "ana@example.com", "a long password", true},
		{"e-mail in other case", " ANA@example.com", "a long password", true},
		{"wrong password", "ana@example.com", "a long passwore", false},
		{"unknown e-mail", "zed@example.com", "a long password", false},
		{"invited account without a password", "kim@example.com", "", false},
		{"invited account, any password", "kim@example.com", "a long password", false},
		{"password beyond the longest", "ana@example.com", strings.Repeat("x", auth.MaxPasswordLen+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every answer costs one argon2id derivation: one that cost none would
			// answer sooner and tell which accounts have no password yet.
			before := auth.Derivations()
			_, err := auth.SignIn(ctx, st, tt.email, tt.password)
			if n := auth.Derivations() - before; n != 1 {
				t.Errorf("SignIn made %d argon2id derivations, want 1 like every other answer", n)
			}
			if tt.ok != (err == nil) {
				t.Errorf("SignIn = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok && !errors.Is(err, auth.ErrBadPassword) {
				t.Errorf("SignIn = %v, want ErrBadPassword", err)
			}
		})
	}

	// An invited account gets its password from AddAccount, but is not made admin.
	if _, err := auth.AddAccount(ctx, st, "kim@example.com", "kim's password", true); err == nil {
		t.Errorf("AddAccount made an invited account admin")
	}
	if _, err := auth.AddAccount(ctx, st, "kim@example.com", "kim's password", false); err != nil {
		t.Fatalf("AddAccount of an invited account: %v", err)
	}
	if a, err := auth.SignIn(ctx, st, "kim@example.com", "kim's password"); err != nil || a.ID != invited.ID || a.Admin {
		t.Errorf("SignIn after AddAccount = %+v, %v", a, err)
	}
	if _, err := auth.AddAccount(ctx, st, "kim@example.com", "another password", false); !errors.Is(err, auth.ErrExists) {
		t.Errorf("AddAccount of an account with a password: err = %v, want ErrExists", err)
	}
}
