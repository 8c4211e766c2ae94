package ledger

import (
	"context"
	"time"

	"coldset/internal/store"
)

// followBackoffMax bounds the wait between attempts to start watching a store that
// cannot be reached.
const followBackoffMax = 10 * time.Second

// follow has the open Logs catch up whenever the store tells of an append, until ctx
// ends. Notifications that arrive while Logs are catching up are gathered and
// handled together, so a burst of appends costs each Log one catch-up. A Log that
// fails to catch up is left to its next append or notification, which retry.
func (lg *Ledger) follow(ctx context.Context, w store.Watcher) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		ch, err := w.Watch(ctx)
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, followBackoffMax)
			continue
		}
		backoff = 100 * time.Millisecond
		// Anything may have been appended before the watch started.
		lg.catchUpAll(ctx, map[string]bool{"": true})
		for p := range ch {
			pending := map[string]bool{p: true}
		gather:
			for {
				select {
				case p, ok := <-ch:
					if !ok {
						break gather
					}
					pending[p] = true
				default:
					break gather
				}
			}
			lg.catchUpAll(ctx, pending)
		}
	}
}

// catchUpAll catches up the open Logs of the given productions; "" stands for all.
func (lg *Ledger) catchUpAll(ctx context.Context, productions map[string]bool) {
	if productions[""] {
		lg.mu.Lock()
		for p := range lg.logs {
			productions[p] = true
		}
		lg.mu.Unlock()
		delete(productions, "")
	}
	for p := range productions {
		_ = lg.CatchUp(ctx, p)
	}
}
