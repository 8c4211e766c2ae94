// Package auth is who may use coldset: accounts (an e-mail and an argon2id password
// hash), the credentials that prove a request comes from one (browser sessions and API
// tokens, stored only as SHA-256 hashes), the studio admin flag, and the membership of
// an account on a production as one of its people. What a person may do on a
// production is not here: their roles live in the production's ledger state.
//
// Storage is the small Store interface, implemented by both store backends.
package auth

import (
	"fmt"
	"net/mail"
	"strings"

	"coldset/internal/store"
)

// ErrNotFound reports an account, credential or membership that is not stored (or a
// credential that has expired).
var ErrNotFound = store.ErrAccountNotFound

// ErrExists reports an account whose e-mail is taken, or a membership that would give
// an account a second person on a production or a person a second account.
var ErrExists = store.ErrAccountExists

// The records are the store's: both backends keep them as they are.
type (
	// Account is one user of coldset.
	Account = store.Account
	// Credential is a stored session or API token. Only the SHA-256 of the secret is
	// kept, so a copy of the database does not let anyone sign in.
	Credential = store.Credential
	// Membership says which person of a production an account acts as.
	Membership = store.Membership
)

// Credential kinds.
const (
	KindSession = store.CredentialSession // a browser session cookie
	KindToken   = store.CredentialToken   // an API token for scripts (Authorization: Bearer)
)

// Store keeps accounts, credentials, memberships and password links: the contract
// is store.Accounts, which both backends implement.
type Store = store.Accounts

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
