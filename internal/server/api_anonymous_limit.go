package server

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits on anonymous requests. They cannot be kept per client: counting by address
// would mean holding the addresses of anonymous reporters, which anonymous-reporting
// forbids. So they are token buckets per production named and for the whole server,
// which keep no identity at all. The buckets live in the process's memory; a restart
// fills them.
//
// Receipt guessing. A receipt code has 140 random bits, so guessing one is hopeless
// at any rate; the limit is there so that nobody can try, and so that a flood of
// guesses cannot load the server. A lookup takes a token from both buckets before the
// code is checked, and a lookup that finds its concern gives them back: only wrong
// codes use the budget. With a bucket empty, every lookup it covers is refused
// unchecked (429), right codes too, until it refills; then a right code works again.
// Every route that takes a receipt code goes through it: the anonymous API and pages,
// and the signed-in actions API's anonymous actions. The price is that someone
// guessing on purpose pauses lookups for everyone for a minute at a time.
//
// Anonymous filing. Each anonymous filing, accepted or refused, writes entries, so a
// flood of them could bury the production's record. The buckets for it are sized so
// that a real crew never meets them, even everyone filing at once after an accident,
// while a script is slowed to a pace the pages and the people reading them can bear.
// Filings past it are refused unrecorded (429) with the wait in words; the report page
// keeps what was typed.

// rate is a token bucket's size: burst tokens in a row, refilled evenly over per.
type rate struct {
	burst int
	per   time.Duration
}

func (r rate) refill() time.Duration { return r.per / time.Duration(r.burst) }

const (
	receiptGlobalBurst     = 10 // wrong lookups in a row, across the server
	receiptProductionBurst = 5  // wrong lookups in a row, on one production

	// limitMaxTracked bounds the per-production buckets; the production named is
	// whatever the caller typed, so the map must not grow without end.
	limitMaxTracked = 10_000
)

// newReceiptLimiter limits wrong receipt codes: 5 a minute on a production, 10 a
// minute on the server.
func newReceiptLimiter() *bucketLimiter {
	return newBucketLimiter(rate{receiptProductionBurst, time.Minute}, rate{receiptGlobalBurst, time.Minute})
}

// newFilingLimiter limits anonymous filings: 30 a minute on a production, 300 a
// minute on the server.
func newFilingLimiter() *bucketLimiter {
	return newBucketLimiter(rate{30, time.Minute}, rate{300, time.Minute})
}

// bucket is a token bucket: burst tokens, one back every refill.
type bucket struct {
	tokens float64
	at     time.Time
}

func (b *bucket) fill(now time.Time, r rate) {
	if b.at.IsZero() {
		b.tokens, b.at = float64(r.burst), now
		return
	}
	if now.After(b.at) {
		b.tokens = min(float64(r.burst), b.tokens+float64(now.Sub(b.at))/float64(r.refill()))
		b.at = now
	}
}

// wait is how long until the bucket holds a whole token.
func (b *bucket) wait(r rate) time.Duration {
	return time.Duration((1 - b.tokens) * float64(r.refill()))
}

// bucketLimiter holds one bucket per production and one for the server. Its rates
// are set before use (tests make them small). It is safe for concurrent use.
type bucketLimiter struct {
	production, server rate

	mu          sync.Mutex
	global      bucket
	productions map[string]*bucket
}

func newBucketLimiter(production, server rate) *bucketLimiter {
	return &bucketLimiter{production: production, server: server, productions: map[string]*bucket{}}
}

// limited is a request refused by a bucketLimiter: which bucket, and for how long.
type limited struct {
	everywhere bool // the server's bucket; otherwise the production's
	wait       time.Duration
}

// seconds is the wait in whole seconds, at least one.
func (g limited) seconds() int { return max(1, int((g.wait+time.Second-1)/time.Second)) }

// retryAfter sets the Retry-After header: whole seconds until a request may go through.
func (g limited) retryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(g.seconds()))
}

// take takes a token from the server's bucket and production's. It returns the
// refund that gives them back, or the refusal when a bucket is empty (nothing is then
// taken).
func (l *bucketLimiter) take(production string, now time.Time) (refund func(), refused *limited) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.global.fill(now, l.server)
	if l.global.tokens < 1 {
		return nil, &limited{everywhere: true, wait: l.global.wait(l.server)}
	}
	p := l.productions[production]
	if p == nil {
		if len(l.productions) >= limitMaxTracked {
			l.prune(now)
		}
		p = &bucket{}
		l.productions[production] = p
	}
	p.fill(now, l.production)
	if p.tokens < 1 {
		return nil, &limited{wait: p.wait(l.production)}
	}
	l.global.tokens--
	p.tokens--
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.global.tokens = min(float64(l.server.burst), l.global.tokens+1)
		p.tokens = min(float64(l.production.burst), p.tokens+1)
	}, nil
}

// prune forgets the buckets that have filled up again: they hold nothing to remember.
func (l *bucketLimiter) prune(now time.Time) {
	for k, b := range l.productions {
		if b.fill(now, l.production); b.tokens >= float64(l.production.burst) {
			delete(l.productions, k)
		}
	}
}

// tooManyGuesses is a receipt lookup refused while lookups are paused.
type tooManyGuesses struct{ limited }

// message says what is paused, for how long, and that the code is still good.
func (g *tooManyGuesses) message() string {
	what := "on this production"
	if g.everywhere {
		what = "on this server"
	}
	return fmt.Sprintf("Too many wrong receipt codes were tried %s in the last minute, so looking up concerns by receipt "+
		"is paused for everyone for %d seconds. Your code is still good: try again in a minute.", what, g.seconds())
}

func (g *tooManyGuesses) Error() string { return g.message() }

// tooManyFilings is an anonymous filing refused, unrecorded, while filings are paused.
type tooManyFilings struct {
	limited
	name string // the production's name
}

func (f *tooManyFilings) Error() string {
	where := f.name
	if f.everywhere {
		where = "this server"
	}
	return fmt.Sprintf("Too many reports are being filed on %s right now; your report was not recorded. Try again in %d seconds.", where, f.seconds())
}
