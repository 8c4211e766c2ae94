package server

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"coldset/internal/auth"
)

// Sign-in lock-out. Guessing passwords is slowed three ways: argon2id makes every
// guess cost (internal/auth); an account is locked for lockFor after accountFailures
// failed sign-ins within failureWindow; and a client address is paused after
// addrFailures failures within the window, whichever accounts they named, so that one
// machine cannot try a common password on every account either. While locked, a
// sign-in is refused without its password being checked, so guesses made then tell
// nothing, right or wrong. The API (POST /api/session) and the sign-in page share the
// counts.
//
// Failures count per e-mail as typed (normalised), whether an account has it or not:
// the answer for an unknown e-mail stays the same as for a known one.
//
// The counts live in the process's memory: a restart forgets them, and each server
// process in front of one PostgreSQL database counts its own. Behind a reverse proxy
// every client has the proxy's address, so the address limit then counts everyone
// together (see SECURITY.md).

const (
	accountFailures = 5
	addrFailures    = 20
	failureWindow   = 15 * time.Minute
	lockFor         = 15 * time.Minute

	// maxTracked is how many e-mails or addresses the limiter holds before it drops
	// those with nothing left to count.
	maxTracked = 50_000
)

// signInLimiter counts failed sign-ins. It is safe for concurrent use.
type signInLimiter struct {
	mu       sync.Mutex
	accounts map[string]*failures
	addrs    map[string]*failures
}

// failures is one e-mail's or address's recent failures and its lock.
type failures struct {
	recent []time.Time // failures within failureWindow, oldest first
	until  time.Time   // locked until then
}

// lockout is a refused sign-in: what is locked, and until when.
type lockout struct {
	account bool // the account is locked; otherwise the client address is
	until   time.Time
	now     time.Time
}

func newSignInLimiter() *signInLimiter {
	return &signInLimiter{accounts: map[string]*failures{}, addrs: map[string]*failures{}}
}

// check returns the lock that refuses a sign-in of email from addr now, if any.
func (l *signInLimiter) check(email, addr string, now time.Time) *lockout {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.accounts[auth.NormalizeEmail(email)]; f != nil && now.Before(f.until) {
		return &lockout{account: true, until: f.until, now: now}
	}
	if f := l.addrs[addr]; f != nil && now.Before(f.until) {
		return &lockout{until: f.until, now: now}
	}
	return nil
}

// fail counts a failed sign-in and returns the lock it starts, if it starts one.
func (l *signInLimiter) fail(email, addr string, now time.Time) *lockout {
	l.mu.Lock()
	defer l.mu.Unlock()
	if count(l.accounts, auth.NormalizeEmail(email), accountFailures, now) {
		return &lockout{account: true, until: now.Add(lockFor), now: now}
	}
	if count(l.addrs, addr, addrFailures, now) {
		return &lockout{until: now.Add(lockFor), now: now}
	}
	return nil
}

// succeed forgets an account's failures: its owner knows the password.
func (l *signInLimiter) succeed(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts, auth.NormalizeEmail(email))
}

// count adds a failure for key and reports whether it reaches limit within the
// window, which locks key.
func count(m map[string]*failures, key string, limit int, now time.Time) bool {
	if len(m) >= maxTracked {
		prune(m, now)
	}
	f := m[key]
	if f == nil {
		f = &failures{}
		m[key] = f
	}
	cut := 0
	for cut < len(f.recent) && !f.recent[cut].After(now.Add(-failureWindow)) {
		cut++
	}
	f.recent = append(f.recent[cut:], now)
	if len(f.recent) < limit {
		return false
	}
	f.recent, f.until = nil, now.Add(lockFor)
	return true
}

// prune drops the keys that are not locked and have no failure within the window.
func prune(m map[string]*failures, now time.Time) {
	for k, f := range m {
		if !now.Before(f.until) && (len(f.recent) == 0 || !f.recent[len(f.recent)-1].After(now.Add(-failureWindow))) {
			delete(m, k)
		}
	}
}

// message says what is locked, until when, and what to do. It names no account: the
// same words go to whoever typed the e-mail.
func (lk *lockout) message() string {
	wait := lk.until.Sub(lk.now).Round(time.Minute)
	if wait < time.Minute {
		wait = time.Minute
	}
	what := "sign-in to this account is locked"
	if !lk.account {
		what = "sign-in from your network address is paused"
	}
	return fmt.Sprintf("Too many failed sign-ins: %s until %s UTC (%s from now). Try again then; if you have forgotten "+
		"the password, use \"Forgot your password?\" on the sign-in page or ask your studio admin.", what, lk.until.UTC().Format("15:04"), minutes(wait))
}

func minutes(d time.Duration) string {
	if n := int(d / time.Minute); n != 1 {
		return strconv.Itoa(n) + " minutes"
	}
	return "1 minute"
}

// retryAfter sets the Retry-After header: whole seconds until the lock ends.
func (lk *lockout) retryAfter(w http.ResponseWriter) {
	secs := int((lk.until.Sub(lk.now) + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
}

// apiError is the lock as the API answers it: 429 with the message.
func (lk *lockout) apiError() error {
	return &apiError{kind: kindTooMany, detail: lk.message()}
}

// clientAddr is the address failures are counted against: the connection's IP, and
// for IPv6 its /64, since one household or machine commonly holds a whole /64.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return host
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
