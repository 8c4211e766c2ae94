package server

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"coldset/internal/rules"
)

// Live updates: GET /productions/{id}/events is a stream of server-sent events, one
// "ledger" event each time the production's ledger grows, so that open pages show
// new risk, holds and hand-overs without a reload (assets/app.js re-reads the page
// and swaps its live parts).
//
// Forms on the pages notify the broadcaster after each production.Do; the stream
// also compares the ledger's size every pollEvery, which catches what was appended
// another way (the API, deadlines, another process) a moment later.

// pollEvery is how often an open stream looks at the ledger's size by itself.
const pollEvery = 2 * time.Second

// keepAliveEvery sends a comment line so that proxies do not close a quiet stream.
const keepAliveEvery = 25 * time.Second

// streamWriteGrace is how long one write to a stream may take beyond the keep-alive
// period before the client counts as gone.
const streamWriteGrace = 30 * time.Second

// broadcaster wakes the streams of a production. It is safe for concurrent use.
type broadcaster struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]bool
}

func newBroadcaster() *broadcaster {
	return &broadcaster{subs: map[string]map[chan struct{}]bool{}}
}

// subscribe returns a channel that receives a value (coalesced) whenever the
// production is notified, and the function that ends the subscription.
func (b *broadcaster) subscribe(production string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	if b.subs[production] == nil {
		b.subs[production] = map[chan struct{}]bool{}
	}
	b.subs[production][ch] = true
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[production], ch)
		if len(b.subs[production]) == 0 {
			delete(b.subs, production)
		}
		b.mu.Unlock()
	}
}

// notify wakes every stream of the production. It never blocks: a stream already
// woken is not woken twice.
func (b *broadcaster) notify(production string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[production] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// webEvents streams the production's ledger size as it grows, until the client goes.
func (s *Server) webEvents(w http.ResponseWriter, r *http.Request, c *webCtx) {
	rc := http.NewResponseController(w)
	// The stream outlives the server's read and write timeouts (timeouts.go): no read
	// deadline (nothing more is read; a deadline passing would end the request), and
	// a write deadline moved on before each write, so a client that stops reading is
	// still let go.
	rc.SetReadDeadline(time.Time{})
	writeBy := func() { rc.SetWriteDeadline(time.Now().Add(keepAliveEvery + streamWriteGrace)) }
	writeBy()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	woken, stop := s.web.events.subscribe(c.ov.ID)
	defer stop()
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	alive := time.NewTicker(keepAliveEvery)
	defer alive.Stop()

	log := c.prod.Log()
	sent := log.Size()
	// retry: how long the browser waits before reconnecting after a drop.
	fmt.Fprintf(w, "retry: 3000\nevent: hello\ndata: %d\n\n", sent)
	if rc.Flush() != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-alive.C:
			fmt.Fprint(w, ": alive\n\n")
		case <-woken:
		case <-poll.C:
		}
		writeBy()
		if n := log.Size(); n != sent {
			// The stream ends when the read policy no longer lets the caller see the
			// production (taken off it since the stream began).
			if c.person != "" && !c.may(rules.ReadStatus) {
				return
			}
			sent = n
			fmt.Fprintf(w, "event: ledger\ndata: %d\n\n", n)
		}
		if rc.Flush() != nil {
			return
		}
	}
}
