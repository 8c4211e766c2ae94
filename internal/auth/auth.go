// Package auth is who may use coldset: accounts (an e-mail and an argon2id password
// hash), the credentials that prove a request comes from one (browser sessions and API
// tokens, stored only as SHA-256 hashes), the studio admin flag, and the membership of
// an account on a production as one of its people. What a person may do on a
// production is not here: their roles live in the production's ledger state.
//
// Storage is the small Store interface, implemented by both store backends.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// ErrNotFound reports an account, credential or membership that is not stored (or a
// credential that has expired).
var ErrNotFound = errors.New("not found")

// ErrExists reports an account whose e-mail is taken, or a membership that would give
// an account a second person on a production or a person a second account.
var ErrExists = errors.New("already exists")

// Account is one user of coldset.
type Account struct {
	ID    int64
	Email string // normalised: see NormalizeEmail
	// PasswordHash is an argon2id PHC string (HashPassword), or "" for an account that
	// was invited and has no password yet: it cannot sign in with a password.
	PasswordHash string
	Admin        bool // studio admin: creates productions and invites people
	Created      time.Time
}

// Credential kinds.
const (
	KindSession = "session" // a browser session cookie
	KindToken   = "token"   // an API token for scripts (Authorization: Bearer)
)

// Credential is a stored session or API token. Only the SHA-256 of the secret is
// kept, so a copy of the database does not let anyone sign in.
type Credential struct {
	Hash    []byte // HashToken of the secret
	Account int64
	Kind    string
	Created time.Time
	Expires time.Time // zero: does not expire
}

// Membership says which person of a production an account acts as.
type Membership struct {
	Account    int64
	Production string
	Person     string
}

// Store keeps accounts, credentials and memberships. Implementations are safe for
// concurrent use; every method is one transaction.
type Store interface {
	// CreateAccount stores a new account and returns it with its ID and Created set.
	// It fails with ErrExists when the e-mail is taken.
	CreateAccount(ctx context.Context, a Account) (Account, error)
	// AccountByEmail returns the account with that (normalised) e-mail, or ErrNotFound.
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// SetPassword replaces an account's password hash, uses up its password links and
	// ends its sessions (not its API tokens), in one transaction; ErrNotFound if no
	// such account.
	SetPassword(ctx context.Context, account int64, hash string) error
	// Accounts lists every account, by e-mail.
	Accounts(ctx context.Context) ([]Account, error)

	// CreateCredential stores c. Hashes are random and unique; storing one twice fails.
	CreateCredential(ctx context.Context, c Credential) error
	// CredentialAccount returns the credential with that hash and its account, or
	// ErrNotFound when there is none or it expired at or before now.
	CredentialAccount(ctx context.Context, hash []byte, now time.Time) (Credential, Account, error)
	// DeleteCredential removes the credential with that hash; removing one that is not
	// there is not an error (signing out twice is fine).
	DeleteCredential(ctx context.Context, hash []byte) error
	// Credentials lists account's credentials of kind that have not expired at now,
	// oldest first (none: empty).
	Credentials(ctx context.Context, account int64, kind string, now time.Time) ([]Credential, error)

	// Grant makes account act as person on production. Granting the same membership
	// again is not an error; ErrExists when the account already is another person on
	// that production or the person belongs to another account; ErrNotFound when the
	// account does not exist.
	Grant(ctx context.Context, m Membership) error
	// Memberships lists account's memberships, by production.
	Memberships(ctx context.Context, account int64) ([]Membership, error)
	// Members lists the memberships on production, by person.
	Members(ctx context.Context, production string) ([]Membership, error)

	LinkStore // password links: link.go
}

// NormalizeEmail trims and lower-cases an address so that one mailbox is one account.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CheckEmail returns the normalised address, or an error for one that is not a plain
// addr-spec (no display name, no angle brackets).
func CheckEmail(email string) (string, error) {
	e := NormalizeEmail(email)
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return "", fmt.Errorf("%q is not an e-mail address", email)
	}
	return e, nil
}
