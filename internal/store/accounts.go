package store

import (
	"context"
	"errors"
	"time"
)

// The records of who may use coldset, as both backends keep them. Package auth
// gives them their meaning (hashing, checking, issuing) and names them too.

// ErrAccountNotFound reports an account, credential, membership or password link
// that is not stored (or a credential that has expired). It is not ErrNotFound, so
// that a missing account is never taken for a missing production.
var ErrAccountNotFound = errors.New("not found")

// ErrAccountExists reports an account whose e-mail is taken, or a membership that
// would give an account a second person on a production or a person a second
// account.
var ErrAccountExists = errors.New("already exists")

// ErrLinkUsed reports a password link that has set a password already (it, or a
// later link of the same account).
var ErrLinkUsed = errors.New("this link has been used")

// ErrLinkExpired reports a password link past its expiry.
var ErrLinkExpired = errors.New("this link has expired")

// Account is one user of coldset.
type Account struct {
	ID    int64
	Email string // normalised: see auth.NormalizeEmail
	// PasswordHash is an argon2id PHC string (auth.HashPassword), or "" for an
	// account that was invited and has no password yet: it cannot sign in with a
	// password.
	PasswordHash string
	Admin        bool // studio admin: creates productions and invites people
	Created      time.Time
}

// Credential kinds.
const (
	CredentialSession = "session" // a browser session cookie
	CredentialToken   = "token"   // an API token for scripts (Authorization: Bearer)
)

// Credential is a stored session or API token. Only the SHA-256 of the secret is
// kept, so a copy of the database does not let anyone sign in.
type Credential struct {
	Hash    []byte // auth.HashToken of the secret
	Account int64
	Kind    string // CredentialSession or CredentialToken
	Created time.Time
	Expires time.Time // zero: does not expire
}

// Membership says which person of a production an account acts as.
type Membership struct {
	Account    int64
	Production string
	Person     string
}

// PasswordLink is a stored password link: a one-time secret that lets whoever
// holds it set an account's password, once, before it expires.
type PasswordLink struct {
	Hash    []byte // auth.HashToken of the secret
	Account int64
	Purpose string // auth.LinkInvite or auth.LinkReset
	Created time.Time
	Expires time.Time
	Used    time.Time // zero until a password is set through it (or another link of the account)
}

// Accounts keeps accounts, credentials and memberships. Implementations are safe
// for concurrent use; every method is one transaction.
type Accounts interface {
	// CreateAccount stores a new account and returns it with its ID and Created set.
	// It fails with ErrAccountExists when the e-mail is taken.
	CreateAccount(ctx context.Context, a Account) (Account, error)
	// AccountByEmail returns the account with that (normalised) e-mail, or
	// ErrAccountNotFound.
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// SetPassword replaces an account's password hash, uses up its password links and
	// ends its sessions (not its API tokens), in one transaction; ErrAccountNotFound
	// if no such account.
	SetPassword(ctx context.Context, account int64, hash string) error
	// Accounts lists every account, by e-mail.
	Accounts(ctx context.Context) ([]Account, error)

	// CreateCredential stores c. Hashes are random and unique; storing one twice fails.
	CreateCredential(ctx context.Context, c Credential) error
	// CredentialAccount returns the credential with that hash and its account, or
	// ErrAccountNotFound when there is none or it expired at or before now.
	CredentialAccount(ctx context.Context, hash []byte, now time.Time) (Credential, Account, error)
	// DeleteCredential removes the credential with that hash; removing one that is not
	// there is not an error (signing out twice is fine).
	DeleteCredential(ctx context.Context, hash []byte) error
	// Credentials lists account's credentials of kind that have not expired at now,
	// oldest first (none: empty).
	Credentials(ctx context.Context, account int64, kind string, now time.Time) ([]Credential, error)

	// Grant makes account act as person on production. Granting the same membership
	// again is not an error; ErrAccountExists when the account already is another
	// person on that production or the person belongs to another account;
	// ErrAccountNotFound when the account does not exist.
	Grant(ctx context.Context, m Membership) error
	// Memberships lists account's memberships, by production.
	Memberships(ctx context.Context, account int64) ([]Membership, error)
	// Members lists the memberships on production, by person.
	Members(ctx context.Context, production string) ([]Membership, error)

	PasswordLinks
}

// PasswordLinks is the part of Accounts that keeps password links.
type PasswordLinks interface {
	// CreatePasswordLink stores l, first dropping links that expired long ago.
	CreatePasswordLink(ctx context.Context, l PasswordLink) error
	// PasswordLinkAccount returns the link with that hash and its account, used or
	// expired too; ErrAccountNotFound when there is none.
	PasswordLinkAccount(ctx context.Context, hash []byte) (PasswordLink, Account, error)
	// UsePasswordLink, in one transaction, checks that the link with that hash is
	// there (ErrAccountNotFound), unused (ErrLinkUsed) and unexpired at now
	// (ErrLinkExpired), then sets the account's password hash, marks every unused
	// link of the account used at now, and removes the account's sessions. It
	// returns the account.
	UsePasswordLink(ctx context.Context, hash []byte, now time.Time, passwordHash string) (Account, error)
}
