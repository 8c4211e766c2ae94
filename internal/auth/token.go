package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SessionTTL is how long a browser session lasts: long enough for a shooting week
// on one phone, short enough that a lost phone stops working by itself.
const SessionTTL = 14 * 24 * time.Hour

// TokenPrefix starts every API token, so that a leaked one is recognised for what it
// is (by people and by secret scanners).
const TokenPrefix = "coldset_"

// NewSecret returns 256 random bits, base64url-encoded without padding.
func NewSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is what is stored of a secret: its SHA-256. A slow hash is not needed
// here, unlike for passwords: the secret has 256 random bits.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Issue creates a credential of kind (KindSession or KindToken) for account at now,
// expiring after ttl (0: never), and returns its secret. The secret is not stored
// and cannot be shown again.
func Issue(ctx context.Context, st Store, account int64, kind string, now time.Time, ttl time.Duration) (string, error) {
	secret := NewSecret()
	if kind == KindToken {
		secret = TokenPrefix + secret
	}
	c := Credential{Hash: HashToken(secret), Account: account, Kind: kind, Created: now.UTC()}
	if ttl > 0 {
		c.Expires = c.Created.Add(ttl)
	}
	if err := st.CreateCredential(ctx, c); err != nil {
		return "", fmt.Errorf("issue %s: %w", kind, err)
	}
	return secret, nil
}

// Authenticate returns the account whose credential of kind has this secret, or
// ErrNotFound when there is none, it expired, or it is of another kind (a session
// cookie is not accepted as a bearer token, nor the reverse).
func Authenticate(ctx context.Context, st Store, kind, secret string, now time.Time) (Account, error) {
	_, a, err := AuthenticateCredential(ctx, st, kind, secret, now)
	return a, err
}

// AuthenticateCredential is Authenticate returning the credential too: a caller that
// keeps the answer for a while must not keep it past the credential's expiry.
func AuthenticateCredential(ctx context.Context, st Store, kind, secret string, now time.Time) (Credential, Account, error) {
	if !WellFormed(kind, secret) {
		return Credential{}, Account{}, ErrNotFound
	}
	c, a, err := st.CredentialAccount(ctx, HashToken(secret), now)
	if err != nil {
		return Credential{}, Account{}, err
	}
	if c.Kind != kind {
		return Credential{}, Account{}, ErrNotFound
	}
	return c, a, nil
}

// WellFormed reports whether secret may be a credential of kind: not empty, not
// too long, and with the token prefix exactly when it is an API token.
func WellFormed(kind, secret string) bool {
	return secret != "" && len(secret) <= 256 && (kind == KindToken) == strings.HasPrefix(secret, TokenPrefix)
}

// SignIn returns the account with this e-mail and password, or ErrBadPassword. An
// unknown e-mail takes as long to answer as a wrong password.
func SignIn(ctx context.Context, st Store, email, password string) (Account, error) {
	a, err := st.AccountByEmail(ctx, NormalizeEmail(email))
	if errors.Is(err, ErrNotFound) {
		return Account{}, CheckNoAccount(password)
	}
	if err != nil {
		return Account{}, fmt.Errorf("sign in: %w", err)
	}
	if err := CheckPassword(a.PasswordHash, password); err != nil {
		return Account{}, err
	}
	return a, nil
}

// AddAccount creates the account email with password, or gives an invited account
// (one without a password yet) its password and admin flag. It fails with ErrExists
// for an account that already has a password.
func AddAccount(ctx context.Context, st Store, email, password string, admin bool) (Account, error) {
	e, err := CheckEmail(email)
	if err != nil {
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	a, err := st.AccountByEmail(ctx, e)
	switch {
	case errors.Is(err, ErrNotFound):
		a, err = st.CreateAccount(ctx, Account{Email: e, PasswordHash: hash, Admin: admin})
		if err != nil {
			return Account{}, fmt.Errorf("add account %s: %w", e, err)
		}
		return a, nil
	case err != nil:
		return Account{}, fmt.Errorf("add account %s: %w", e, err)
	case a.PasswordHash != "":
		return Account{}, fmt.Errorf("add account %s: %w", e, ErrExists)
	case admin && !a.Admin:
		// Only a new account is made admin, so that giving an invited account its
		// password cannot quietly promote it.
		return Account{}, fmt.Errorf("add account %s: an invited account is not made admin", e)
	}
	if err := st.SetPassword(ctx, a.ID, hash); err != nil {
		return Account{}, fmt.Errorf("add account %s: %w", e, err)
	}
	a.PasswordHash = hash
	return a, nil
}

// Invite returns the account for email, creating it without a password when there
// is none: it can sign in once it is given one (AddAccount). created reports whether
// this call made the account: only then may the inviter be handed a way to set its
// password, since an account someone else made (even one still without a password)
// belongs to whoever that invitation was for.
func Invite(ctx context.Context, st Store, email string) (a Account, created bool, err error) {
	e, err := CheckEmail(email)
	if err != nil {
		return Account{}, false, fmt.Errorf("invite: %w", err)
	}
	a, err = st.AccountByEmail(ctx, e)
	if errors.Is(err, ErrNotFound) {
		a, err = st.CreateAccount(ctx, Account{Email: e})
		created = err == nil
		if errors.Is(err, ErrExists) { // created by a concurrent invitation
			a, err = st.AccountByEmail(ctx, e)
		}
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("invite %s: %w", e, err)
	}
	return a, created, nil
}
