package server

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Receipt guessing. A receipt code has 140 random bits, so guessing one is hopeless
// at any rate; the limit is there so that nobody can try, and so that a flood of
// guesses cannot load the server. It cannot be kept per client: counting by address
// would mean holding the addresses of anonymous reporters, which anonymous-reporting
// forbids. So wrong lookups are counted in token buckets per production named and
// for the whole server. A lookup takes a token from both before the code is checked,
// and a lookup that finds its concern gives them back: only wrong codes use the
// budget. With a bucket empty, every lookup it covers is refused unchecked (429),
// right codes too, until it refills; then a right code works again.
//
// The price is that someone guessing on purpose pauses lookups for everyone for a
// minute at a time. Filing is never limited: a concern must always get through.
//
// The buckets live in the process's memory; a restart fills them.

const (
	receiptGlobalBurst      = 10 // wrong lookups in a row, across the server
	receiptGlobalRefill     = time.Minute / receiptGlobalBurst
	receiptProductionBurst  = 5 // wrong lookups in a row, on one production
	receiptProductionRefill = time.Minute / receiptProductionBurst

	// receiptMaxTracked bounds the per-production buckets; the production named is
	// whatever the caller typed, so the map must not grow without end.
	receiptMaxTracked = 10_000
)

// bucket is a token bucket: burst tokens, one back every refill.
type bucket struct {
	tokens float64
	at     time.Time
}

func (b *bucket) fill(now time.Time, burst int, refill time.Duration) {
	if b.at.IsZero() {
		b.tokens, b.at = float64(burst), now
		return
	}
	if now.After(b.at) {
		b.tokens = min(float64(burst), b.tokens+float64(now.Sub(b.at))/float64(refill))
		b.at = now
	}
}

// wait is how long until the bucket holds a whole token.
func (b *bucket) wait(refill time.Duration) time.Duration {
	return time.Duration((1 - b.tokens) * float64(refill))
}

// receiptLimiter holds the buckets. It is safe for concurrent use.
type receiptLimiter struct {
	mu          sync.Mutex
	global      bucket
	productions map[string]*bucket
}

func newReceiptLimiter() *receiptLimiter {
	return &receiptLimiter{productions: map[string]*bucket{}}
}

// tooManyGuesses is a refused lookup: what is paused and for how long.
type tooManyGuesses struct {
	everywhere bool
	wait       time.Duration
}

// take reserves a wrong lookup's tokens on production. It returns the refund to call
// when the code turns out right, or the refusal when a bucket is empty (nothing is
// then taken).
func (l *receiptLimiter) take(production string, now time.Time) (refund func(), refused *tooManyGuesses) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.global.fill(now, receiptGlobalBurst, receiptGlobalRefill)
	if l.global.tokens < 1 {
		return nil, &tooManyGuesses{everywhere: true, wait: l.global.wait(receiptGlobalRefill)}
	}
	p := l.productions[production]
	if p == nil {
		if len(l.productions) >= receiptMaxTracked {
			l.prune(now)
		}
		p = &bucket{}
		l.productions[production] = p
	}
	p.fill(now, receiptProductionBurst, receiptProductionRefill)
	if p.tokens < 1 {
		return nil, &tooManyGuesses{wait: p.wait(receiptProductionRefill)}
	}
	l.global.tokens--
	p.tokens--
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.global.tokens = min(receiptGlobalBurst, l.global.tokens+1)
		p.tokens = min(receiptProductionBurst, p.tokens+1)
	}, nil
}

// prune forgets the buckets that have filled up again: they hold nothing to remember.
func (l *receiptLimiter) prune(now time.Time) {
	for k, b := range l.productions {
		if b.fill(now, receiptProductionBurst, receiptProductionRefill); b.tokens >= receiptProductionBurst {
			delete(l.productions, k)
		}
	}
}

// message says what is paused, for how long, and that the code is still good.
func (g *tooManyGuesses) message() string {
	secs := max(1, int((g.wait+time.Second-1)/time.Second))
	what := "on this production"
	if g.everywhere {
		what = "on this server"
	}
	return fmt.Sprintf("Too many wrong receipt codes were tried %s in the last minute, so looking up concerns by receipt "+
		"is paused for everyone for %d seconds. Your code is still good: try again in a minute.", what, secs)
}

// retryAfter sets the Retry-After header: whole seconds until a lookup may go through.
func (g *tooManyGuesses) retryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((g.wait+time.Second-1)/time.Second))))
}
