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
	t.Run("credential lists", func(t *testing.T) { testCredentialLists(t, open(t)) })
	t.Run("password links", func(t *testing.T) { testPasswordLinks(t, open(t)) })
	t.Run("concurrent password links", func(t *testing.T) { testConcurrentPasswordLinks(t, open(t)) })
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

	now := time.Now().UTC().Truncate(time.Microsecond)
	session := auth.Credential{Hash: auth.HashToken("kim session"), Account: kim.ID, Kind: auth.KindSession, Created: now, Expires: now.Add(time.Hour)}
	token := auth.Credential{Hash: auth.HashToken("kim token"), Account: kim.ID, Kind: auth.KindToken, Created: now}
	link := auth.PasswordLink{Hash: auth.HashToken("kim link"), Account: kim.ID, Purpose: auth.LinkReset, Created: now, Expires: now.Add(time.Hour)}
	for _, c := range []auth.Credential{session, token} {
		if err := st.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreatePasswordLink(ctx, link); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPassword(ctx, kim.ID, "$argon2id$new"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if _, _, err := st.CredentialAccount(ctx, session.Hash, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("kim's session outlived SetPassword: err = %v", err)
	}
	if _, _, err := st.CredentialAccount(ctx, token.Hash, now); err != nil {
		t.Errorf("kim's API token ended with SetPassword: %v", err)
	}
	if l, _, err := st.PasswordLinkAccount(ctx, link.Hash); err != nil || l.Used.IsZero() {
		t.Errorf("kim's password link after SetPassword: %+v, %v; want it used up", l, err)
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
	won := race(t, "CreateAccount", auth.ErrExists, func(i int) error {
		_, err := st.CreateAccount(context.Background(), auth.Account{Email: "same@example.com", PasswordHash: fmt.Sprint(i)})
		return err
	})
	if won != 1 {
		t.Errorf("%d writers created the account, want 1", won)
	}
}

// race runs write(i) in eight concurrent writers and returns how many succeeded; a
// writer that fails must fail with lost (it lost the race), else the test fails
// naming what the writers did.
func race(t *testing.T, what string, lost error, write func(i int) error) (won int) {
	t.Helper()
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() { errs[i] = write(i) })
	}
	wg.Wait()
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, lost):
			t.Errorf("%s: %v", what, err)
		}
	}
	return won
}

func testCredentialLists(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", false)
	kim := create(t, st, "kim@example.com", false)
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	creds := []auth.Credential{
		{Hash: auth.HashToken("t2"), Account: ana.ID, Kind: auth.KindToken, Created: now.Add(time.Minute)},
		{Hash: auth.HashToken("t1"), Account: ana.ID, Kind: auth.KindToken, Created: now},
		{Hash: auth.HashToken("t3"), Account: ana.ID, Kind: auth.KindToken, Created: now, Expires: now.Add(time.Hour)},
		{Hash: auth.HashToken("s1"), Account: ana.ID, Kind: auth.KindSession, Created: now, Expires: now.Add(time.Hour)},
		{Hash: auth.HashToken("k1"), Account: kim.ID, Kind: auth.KindToken, Created: now},
	}
	for _, c := range creds {
		if err := st.CreateCredential(ctx, c); err != nil {
			t.Fatalf("CreateCredential: %v", err)
		}
	}
	tests := []struct {
		name    string
		account int64
		kind    string
		at      time.Time
		want    []string
	}{
		{"tokens, oldest first", ana.ID, auth.KindToken, now, []string{"t1", "t3", "t2"}},
		{"an expired token is left out", ana.ID, auth.KindToken, now.Add(time.Hour), []string{"t1", "t2"}},
		{"sessions", ana.ID, auth.KindSession, now, []string{"s1"}},
		{"another account's", kim.ID, auth.KindToken, now, []string{"k1"}},
		{"none", kim.ID, auth.KindSession, now, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Credentials(ctx, tt.account, tt.kind, tt.at)
			if err != nil {
				t.Fatalf("Credentials: %v", err)
			}
			if got == nil {
				t.Fatalf("Credentials = nil, want an empty list")
			}
			var want []auth.Credential
			for _, secret := range tt.want {
				for _, c := range creds {
					if bytes.Equal(c.Hash, auth.HashToken(secret)) {
						want = append(want, c)
					}
				}
			}
			if len(got) != len(want) {
				t.Fatalf("Credentials = %d credentials, want %d (%v)", len(got), len(want), tt.want)
			}
			// t1 and t3 were created at the same time: their order is by hash.
			if tt.name == "tokens, oldest first" && bytes.Compare(want[0].Hash, want[1].Hash) > 0 {
				want[0], want[1] = want[1], want[0]
			}
			for i := range want {
				g, w := got[i], want[i]
				if !bytes.Equal(g.Hash, w.Hash) || g.Account != w.Account || g.Kind != w.Kind || !g.Created.Equal(w.Created) || !g.Expires.Equal(w.Expires) {
					t.Errorf("credential %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func testPasswordLinks(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", false)
	kim := create(t, st, "kim@example.com", false)
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	link := func(secret string, a auth.Account, created time.Time, ttl time.Duration) auth.PasswordLink {
		t.Helper()
		l := auth.PasswordLink{Hash: auth.HashToken(secret), Account: a.ID, Purpose: auth.LinkReset, Created: created, Expires: created.Add(ttl)}
		if err := st.CreatePasswordLink(ctx, l); err != nil {
			t.Fatalf("CreatePasswordLink(%s): %v", secret, err)
		}
		return l
	}
	first := link("first", ana, now, time.Hour)
	link("second", ana, now.Add(time.Minute), time.Hour)
	link("short", kim, now, time.Minute)
	link("kim", kim, now, time.Hour)
	if err := st.CreatePasswordLink(ctx, first); err == nil {
		t.Errorf("CreatePasswordLink of a stored hash succeeded, want an error")
	}

	got, a, err := st.PasswordLinkAccount(ctx, first.Hash)
	if err != nil {
		t.Fatalf("PasswordLinkAccount: %v", err)
	}
	if a != ana || !bytes.Equal(got.Hash, first.Hash) || got.Account != ana.ID || got.Purpose != auth.LinkReset ||
		!got.Created.Equal(first.Created) || !got.Expires.Equal(first.Expires) || !got.Used.IsZero() {
		t.Errorf("PasswordLinkAccount = %+v, %+v; want %+v, %+v", got, a, first, ana)
	}
	if _, _, err := st.PasswordLinkAccount(ctx, auth.HashToken("unknown")); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("PasswordLinkAccount of an unknown link: err = %v, want ErrNotFound", err)
	}

	// ana has a session; kim has a session and a token.
	for _, c := range []auth.Credential{
		{Hash: auth.HashToken("ana session"), Account: ana.ID, Kind: auth.KindSession, Created: now, Expires: now.Add(time.Hour)},
		{Hash: auth.HashToken("kim session"), Account: kim.ID, Kind: auth.KindSession, Created: now, Expires: now.Add(time.Hour)},
		{Hash: auth.HashToken("ana token"), Account: ana.ID, Kind: auth.KindToken, Created: now},
	} {
		if err := st.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
	}

	uses := []struct {
		name, secret string
		at           time.Time
		want         error
	}{
		{"unknown link", "unknown", now, auth.ErrNotFound},
		{"expired link", "short", now.Add(time.Minute), auth.ErrLinkExpired},
		{"first use", "second", now.Add(2 * time.Minute), nil},
		{"second use", "second", now.Add(3 * time.Minute), auth.ErrLinkUsed},
		{"an older link of the account", "first", now.Add(3 * time.Minute), auth.ErrLinkUsed},
	}
	for _, u := range uses {
		a, err := st.UsePasswordLink(ctx, auth.HashToken(u.secret), u.at, "$argon2id$"+u.secret)
		if !errors.Is(err, u.want) {
			t.Errorf("%s: UsePasswordLink = %v, want %v", u.name, err, u.want)
			continue
		}
		if err == nil && (a.ID != ana.ID || a.PasswordHash != "$argon2id$"+u.secret) {
			t.Errorf("%s: UsePasswordLink = %+v, want ana with the new hash", u.name, a)
		}
	}
	if got, _ := st.AccountByEmail(ctx, ana.Email); got.PasswordHash != "$argon2id$second" {
		t.Errorf("after the link, ana's PasswordHash = %q", got.PasswordHash)
	}
	if got, _ := st.AccountByEmail(ctx, kim.Email); got.PasswordHash != kim.PasswordHash {
		t.Errorf("kim's password changed by a refused link: %q", got.PasswordHash)
	}
	if l, _, _ := st.PasswordLinkAccount(ctx, first.Hash); !l.Used.Equal(now.Add(2 * time.Minute)) {
		t.Errorf("ana's older link: Used = %v, want the time the other was used", l.Used)
	}
	if _, _, err := st.CredentialAccount(ctx, auth.HashToken("ana session"), now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("ana's session outlived the new password: err = %v", err)
	}
	if _, _, err := st.CredentialAccount(ctx, auth.HashToken("ana token"), now); err != nil {
		t.Errorf("ana's API token was removed with the sessions: %v", err)
	}
	if _, _, err := st.CredentialAccount(ctx, auth.HashToken("kim session"), now); err != nil {
		t.Errorf("kim's session ended with ana's password: %v", err)
	}
	if l, _, _ := st.PasswordLinkAccount(ctx, auth.HashToken("kim")); !l.Used.IsZero() {
		t.Errorf("kim's link was used up by ana's")
	}

	// A link made long after the others expired clears them away.
	link("later", kim, now.AddDate(0, 3, 0), time.Hour)
	if _, _, err := st.PasswordLinkAccount(ctx, first.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("a link that expired months ago is still kept: err = %v", err)
	}
}

// testConcurrentPasswordLinks uses one link, and two links of one account, from
// several writers at once: the password is set once.
func testConcurrentPasswordLinks(t *testing.T, st auth.Store) {
	ctx := context.Background()
	ana := create(t, st, "ana@example.com", false)
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	for _, secret := range []string{"one", "two"} {
		l := auth.PasswordLink{Hash: auth.HashToken(secret), Account: ana.ID, Purpose: auth.LinkInvite, Created: now, Expires: now.Add(time.Hour)}
		if err := st.CreatePasswordLink(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	won := race(t, "UsePasswordLink", auth.ErrLinkUsed, func(i int) error {
		secret := []string{"one", "two"}[i%2]
		_, err := st.UsePasswordLink(ctx, auth.HashToken(secret), now, fmt.Sprint("$argon2id$", i))
		return err
	})
	if won != 1 {
		t.Errorf("%d writers set the password, want 1", won)
	}
}
