package server

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"coldset/internal/auth"
)

// Authenticating a request reads the account store twice (the credential with its
// account, then the account's memberships): a quarter of the server's CPU at a few
// hundred requests a second. authCache keeps both answers for authCacheTTL.
//
// What it keeps only ever lets a caller in, so every change that takes access away
// must drop it at once: the server calls forgetAuth after signing out, granting,
// revoking a credential or changing a password (see forgetAuth). What gives access
// needs nothing: a credential not in the cache and a production not among an
// account's cached memberships are looked up in the store, so a new token or a new
// grant works at once. A change made by another process on the same database (the
// coldset command line) cannot reach forgetAuth; it takes effect within
// authCacheTTL.
type authCache struct {
	mu      sync.Mutex
	gen     uint64 // counts forgetAuth calls: an answer read before one is not kept
	creds   map[[sha256.Size]byte]cachedCredential
	members map[int64]cachedMemberships
}

// authCacheTTL bounds how long a cached answer is used: also how long a change made
// by another process may go unseen.
const authCacheTTL = time.Second

// authCacheMax bounds each map; when one is full it is emptied (only valid
// credentials are kept, so filling it takes that many live ones).
const authCacheMax = 10_000

type cachedCredential struct {
	kind    string
	account auth.Account
	expires time.Time // the credential's own expiry, on the server clock; zero: none
	until   time.Time // wall clock: ask the store again from then on
}

type cachedMemberships struct {
	list  []auth.Membership
	until time.Time
}

func newAuthCache() *authCache {
	return &authCache{creds: map[[sha256.Size]byte]cachedCredential{}, members: map[int64]cachedMemberships{}}
}

// forgetAuth drops everything cached of an account, at once: its credentials'
// answers and its memberships. Call it after every change that ends or narrows an
// account's access: signing out, revoking a session or an API token, setting or
// resetting the password (which ends sessions), granting or removing a membership,
// changing the admin flag. Calling it when nothing was cached costs a map walk.
func (s *Server) forgetAuth(account int64) {
	c := s.api.auth
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.members, account)
	for k, v := range c.creds {
		if v.account.ID == account {
			delete(c.creds, k)
		}
	}
}

// authenticate is auth.Authenticate through the cache.
func (s *Server) authenticate(ctx context.Context, kind, secret string, now time.Time) (auth.Account, error) {
	if !auth.WellFormed(kind, secret) {
		return auth.Account{}, auth.ErrNotFound
	}
	c := s.api.auth
	key := sha256.Sum256([]byte(secret))
	c.mu.Lock()
	e, ok := c.creds[key]
	gen := c.gen
	c.mu.Unlock()
	if ok && e.kind == kind && time.Now().Before(e.until) && (e.expires.IsZero() || now.Before(e.expires)) {
		return e.account, nil
	}
	cred, a, err := auth.AuthenticateCredential(ctx, s.api.accounts, kind, secret, now)
	if err != nil {
		return a, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.creds) >= authCacheMax {
			clear(c.creds)
		}
		c.creds[key] = cachedCredential{kind: kind, account: a, expires: cred.Expires, until: time.Now().Add(authCacheTTL)}
	}
	c.mu.Unlock()
	return a, nil
}

// memberships returns the account's memberships, from the cache when they are there
// and hold production (any production when it is ""), otherwise from the store.
func (s *Server) memberships(ctx context.Context, account int64, production string) ([]auth.Membership, error) {
	c := s.api.auth
	c.mu.Lock()
	e, ok := c.members[account]
	gen := c.gen
	c.mu.Unlock()
	if ok && time.Now().Before(e.until) {
		for _, m := range e.list {
			if m.Production == production || production == "" {
				return e.list, nil
			}
		}
	}
	ms, err := s.api.accounts.Memberships(ctx, account)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.members) >= authCacheMax {
			clear(c.members)
		}
		c.members[account] = cachedMemberships{list: ms, until: time.Now().Add(authCacheTTL)}
	}
	c.mu.Unlock()
	return ms, nil
}
