// Package authtest is the conformance suite every auth.Store implementation must pass.
package authtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"coldset/internal/auth"
)

// Run checks open's stores against the auth.Store contract. open is called once per
// case and must return an empty store that the test's cleanup closes.
func Run(t *testing.T, open func(t *testing.T) auth.Store) {
	t.Run("accounts", func(t *testing.T) { testAccounts(t, open(t)) })
	t.Run("credentials", func(t *testing.T) { testCredentials(t, open(t)) })
	t.Run("memberships", func(t *testing.T) { testMemberships(t, open(t)) })
	t.Run("concurrent accounts", func(t *testing.T) { testConcurrentAccounts(t, open(t)) })
}

func create(t *testing.T, st auth.Store, email string, admin bool) auth.Account {
	t.Helper()
	a, err := st.CreateAccount(context.Background(), auth.Account{Email: email, PasswordHash: "$argon2id$x", Admin: admin})
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	return a
}

func testAccounts(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", true)
	if ana.ID == 0 || ana.Created.IsZero() {
		t.Errorf("CreateAccount = %+v, want ID and Created set", ana)
	}
	kim := create(t, st, "kim@example.com", false)
	if kim.ID == ana.ID {
		t.Errorf("two accounts share ID %d", kim.ID)
	}
	if _, err := st.CreateAccount(ctx, auth.Account{Email: "ana@example.com"}); !errors.Is(err, auth.ErrExists) {
		t.Errorf("CreateAccount of a taken e-mail: err = %v, want ErrExists", err)
	}

	got, err := st.AccountByEmail(ctx, "ana@example.com")
	if err != nil {
		t.Fatalf("AccountByEmail: %v", err)
	}
	if got != ana {
		t.Errorf("AccountByEmail = %+v, want %+v", got, ana)
	}
	if _, err := st.AccountByEmail(ctx, "nobody@example.com"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("AccountByEmail of an unknown e-mail: err = %v, want ErrNotFound", err)
	}

	if err := st.SetPassword(ctx, kim.ID, "$argon2id$new"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got, _ := st.AccountByEmail(ctx, kim.Email); got.PasswordHash != "$argon2id$new" {
		t.Errorf("after SetPassword, PasswordHash = %q", got.PasswordHash)
	}
	if err := st.SetPassword(ctx, kim.ID+ana.ID+100, "x"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("SetPassword of an unknown account: err = %v, want ErrNotFound", err)
	}

	all, err := st.Accounts(ctx)
	if err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	var emails []string
	for _, a := range all {
		emails = append(emails, a.Email)
	}
	if want := []string{"ana@example.com", "kim@example.com"}; !slices.Equal(emails, want) {
		t.Errorf("Accounts = %v, want %v", emails, want)
	}
}

func testCredentials(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", false)
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	session := auth.Credential{Hash: auth.HashToken("s1"), Account: ana.ID, Kind: auth.KindSession, Created: now, Expires: now.Add(time.Hour)}
	token := auth.Credential{Hash: auth.HashToken("t1"), Account: ana.ID, Kind: auth.KindToken, Created: now}
	for _, c := range []auth.Credential{session, token} {
		if err := st.CreateCredential(ctx, c); err != nil {
			t.Fatalf("CreateCredential(%s): %v", c.Kind, err)
		}
	}
	if err := st.CreateCredential(ctx, token); err == nil {
		t.Errorf("CreateCredential of a stored hash succeeded, want an error")
	}

	tests := []struct {
		name   string
		secret string
		at     time.Time
		want   *auth.Credential
	}{
		{"session before expiry", "s1", now.Add(59 * time.Minute), &session},
		{"session at expiry", "s1", now.Add(time.Hour), nil},
		{"token years later", "t1", now.AddDate(5, 0, 0), &token},
		{"unknown secret", "x", now, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, a, err := st.CredentialAccount(ctx, auth.HashToken(tt.secret), tt.at)
			if tt.want == nil {
				if !errors.Is(err, auth.ErrNotFound) {
					t.Errorf("CredentialAccount: err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CredentialAccount: %v", err)
			}
			if a != ana {
				t.Errorf("account = %+v, want %+v", a, ana)
			}
			if !bytes.Equal(c.Hash, tt.want.Hash) || c.Account != tt.want.Account || c.Kind != tt.want.Kind ||
				!c.Created.Equal(tt.want.Created) || !c.Expires.Equal(tt.want.Expires) {
				t.Errorf("credential = %+v, want %+v", c, *tt.want)
			}
		})
	}

	for range 2 { // deleting twice is fine
		if err := st.DeleteCredential(ctx, session.Hash); err != nil {
			t.Fatalf("DeleteCredential: %v", err)
		}
	}
	if _, _, err := st.CredentialAccount(ctx, session.Hash, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("CredentialAccount after delete: err = %v, want ErrNotFound", err)
	}
	if _, _, err := st.CredentialAccount(ctx, token.Hash, now); err != nil {
		t.Errorf("deleting the session removed the token too: %v", err)
	}
}

func testMemberships(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", false)
	kim := create(t, st, "kim@example.com", false)
	grants := []struct {
		name string
		m    auth.Membership
		want error
	}{
		{"first grant", auth.Membership{Account: ana.ID, Production: "dry-creek", Person: "ana"}, nil},
		{"same grant again", auth.Membership{Account: ana.ID, Production: "dry-creek", Person: "ana"}, nil},
		{"same person on another production", auth.Membership{Account: ana.ID, Production: "bonanza", Person: "ana"}, nil},
		{"second person for one account", auth.Membership{Account: ana.ID, Production: "dry-creek", Person: "ana2"}, auth.ErrExists},
		{"person of another account", auth.Membership{Account: kim.ID, Production: "dry-creek", Person: "ana"}, auth.ErrExists},
		{"another person", auth.Membership{Account: kim.ID, Production: "dry-creek", Person: "kim"}, nil},
		{"unknown account", auth.Membership{Account: ana.ID + kim.ID + 100, Production: "dry-creek", Person: "zed"}, auth.ErrNotFound},
	}
	for _, g := range grants {
		if err := st.Grant(ctx, g.m); !errors.Is(err, g.want) {
			t.Errorf("%s: Grant(%+v) = %v, want %v", g.name, g.m, err, g.want)
		}
	}
	got, err := st.Memberships(ctx, ana.ID)
	if err != nil {
		t.Fatalf("Memberships: %v", err)
	}
	want := []auth.Membership{{Account: ana.ID, Production: "bonanza", Person: "ana"}, {Account: ana.ID, Production: "dry-creek", Person: "ana"}}
	if !slices.Equal(got, want) {
		t.Errorf("Memberships(ana) = %+v, want %+v", got, want)
	}
	got, err = st.Members(ctx, "dry-creek")
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	want = []auth.Membership{{Account: ana.ID, Production: "dry-creek", Person: "ana"}, {Account: kim.ID, Production: "dry-creek", Person: "kim"}}
	if !slices.Equal(got, want) {
		t.Errorf("Members(dry-creek) = %+v, want %+v", got, want)
	}
	if got, err := st.Memberships(ctx, kim.ID+ana.ID+100); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Memberships of an account with none = %#v, %v; want empty, not nil", got, err)
	}
}

// testConcurrentAccounts has several writers race to create one e-mail: exactly one
// wins, as when two server processes share the database.
func testConcurrentAccounts(t *testing.T, st auth.Store) {
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = st.CreateAccount(context.Background(), auth.Account{Email: "same@example.com", PasswordHash: fmt.Sprint(i)})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, auth.ErrExists):
			t.Errorf("CreateAccount: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d writers created the account, want 1", won)
	}
}
