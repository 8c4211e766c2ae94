package auth

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"coldset/internal/store"
)

// Password links: a one-time secret in an address (/password/SECRET) that lets whoever
// opens it set an account's password, once, before it expires. An invitation is one
// (the account has no password yet); so is a reset. Only the SHA-256 of the secret is
// stored, like a session's. Setting the password through a link uses up every link of
// the account and ends all its sessions, so that a stolen session or an older link
// does not outlive the new password.

// Link purposes.
const (
	LinkInvite = "invite" // the account has no password yet
	LinkReset  = "reset"  // the account has one and its owner wants another
)

// How long a link works. An invitation waits for someone to read their mail and set
// up; a reset a studio admin hands over (coldset user reset, the people pages) waits
// a working day; one mailed by the forgot-password form, to whoever could read that
// mailbox, is short.
const (
	InviteLinkTTL = 72 * time.Hour
	ResetLinkTTL  = 24 * time.Hour
	MailedLinkTTL = time.Hour
)

// ErrLinkUsed reports a password link that has set a password already (it, or a
// later link of the same account).
var ErrLinkUsed = store.ErrLinkUsed

// ErrLinkExpired reports a password link past its expiry.
var ErrLinkExpired = store.ErrLinkExpired

// PasswordLink is a stored password link.
type PasswordLink = store.PasswordLink

// LinkStore is the part of Store that keeps password links.
type LinkStore = store.PasswordLinks

// maxSecretLen bounds what is hashed of a secret someone sent.
const maxSecretLen = 256

// LinkFor makes a password link for the account with that e-mail: an invitation
// when it has no password yet (InviteLinkTTL), a reset otherwise (ResetLinkTTL). It
// returns the link's secret, which is not stored and cannot be shown again, and the
// account; ErrNotFound when no account has the e-mail.
func LinkFor(ctx context.Context, st Store, email string, now time.Time) (string, Account, error) {
	a, err := st.AccountByEmail(ctx, NormalizeEmail(email))
	if err != nil {
		return "", Account{}, fmt.Errorf("password link for %s: %w", email, err)
	}
	purpose, ttl := LinkReset, ResetLinkTTL
	if a.PasswordHash == "" {
		purpose, ttl = LinkInvite, InviteLinkTTL
	}
	secret, err := NewPasswordLink(ctx, st, a.ID, purpose, now, ttl)
	return secret, a, err
}

// NewPasswordLink stores a link of purpose for account, working from now for ttl,
// and returns its secret.
func NewPasswordLink(ctx context.Context, links LinkStore, account int64, purpose string, now time.Time, ttl time.Duration) (string, error) {
	if purpose != LinkInvite && purpose != LinkReset {
		return "", fmt.Errorf("password link: unknown purpose %q", purpose)
	}
	if ttl <= 0 {
		return "", errors.New("password link: it must expire")
	}
	secret := NewSecret()
	now = now.UTC().Truncate(time.Microsecond)
	l := PasswordLink{Hash: HashToken(secret), Account: account, Purpose: purpose, Created: now, Expires: now.Add(ttl)}
	if err := links.CreatePasswordLink(ctx, l); err != nil {
		return "", fmt.Errorf("password link for account %d: %w", account, err)
	}
	return secret, nil
}

// CheckPasswordLink returns the link with this secret and its account while it can
// still be used; otherwise ErrNotFound, ErrLinkUsed or ErrLinkExpired.
func CheckPasswordLink(ctx context.Context, links LinkStore, secret string, now time.Time) (PasswordLink, Account, error) {
	if secret == "" || len(secret) > maxSecretLen {
		return PasswordLink{}, Account{}, ErrNotFound
	}
	l, a, err := links.PasswordLinkAccount(ctx, HashToken(secret))
	switch {
	case err != nil:
		return l, a, err
	case !l.Used.IsZero():
		return l, a, ErrLinkUsed
	case !now.Before(l.Expires):
		return l, a, ErrLinkExpired
	}
	return l, a, nil
}

// UsePasswordLink sets the password of the link's account to password (argon2id)
// and uses the link up; see LinkStore.UsePasswordLink. A password that HashPassword
// refuses leaves the link as it was.
func UsePasswordLink(ctx context.Context, links LinkStore, secret, password string, now time.Time) (Account, error) {
	if secret == "" || len(secret) > maxSecretLen {
		return Account{}, ErrNotFound
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Account{}, err
	}
	return links.UsePasswordLink(ctx, HashToken(secret), now, hash)
}

// CredentialID names a stored credential without revealing anything that signs in:
// the first 8 bytes of its hash, in hex. API tokens are listed and revoked by it.
func CredentialID(hash []byte) string {
	return hex.EncodeToString(hash[:min(len(hash), 8)])
}
