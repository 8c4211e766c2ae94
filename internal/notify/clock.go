package notify

import (
	"sync"
	"time"
)

// Clock is the time deadlines are judged by. The server uses the system clock; tests
// use a ManualClock and move it.
type Clock interface {
	Now() time.Time
	// Until returns a channel that is closed once the clock reads t or later, and a
	// function that releases it early.
	Until(t time.Time) (<-chan struct{}, func())
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Until closes its channel when the wall clock reaches t.
func (SystemClock) Until(t time.Time) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	timer := time.AfterFunc(time.Until(t), func() { close(ch) })
	return ch, func() { timer.Stop() }
}

// ManualClock is a clock that moves only when told: Set and Add wake whoever waits
// for a time it reached. It is safe for concurrent use.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[*waiter]bool
}

type waiter struct {
	at time.Time
	ch chan struct{}
}

// NewManualClock returns a clock reading t.
func NewManualClock(t time.Time) *ManualClock {
	return &ManualClock{now: t, waiters: map[*waiter]bool{}}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Until closes its channel once the clock is set to t or later.
func (c *ManualClock) Until(t time.Time) (<-chan struct{}, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &waiter{at: t, ch: make(chan struct{})}
	if !t.After(c.now) {
		close(w.ch)
		return w.ch, func() {}
	}
	c.waiters[w] = true
	return w.ch, func() {
		c.mu.Lock()
		delete(c.waiters, w)
		c.mu.Unlock()
	}
}

// Set moves the clock to t (never backwards) and wakes the waiters it reached.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	for w := range c.waiters {
		if !w.at.After(c.now) {
			close(w.ch)
			delete(c.waiters, w)
		}
	}
}

// Add moves the clock forward by d.
func (c *ManualClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }
