package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// Config is what Run needs.
type Config struct {
	Ledger *ledger.Ledger
	// Logs is the store Ledger keeps its logs in: the filler reads committed
	// entries from it.
	Logs   store.Store
	Outbox Store            // contacts, the outbox and its cursors, in the backend of Logs
	Clock  Clock            // deadlines; nil: SystemClock
	Now    func() time.Time // outbox leases and retries; nil: time.Now
	Mail   Mailer           // nil: e-mail rows fail and are retried until one is configured
	// Webhooks says where webhooks may go; the zero value: public addresses only.
	Webhooks WebhookPolicy
	// Poll is how often to look for entries and due rows that nothing announced (an
	// action of the HTTP API, another process). 0: one second.
	Poll    time.Duration
	Workers int // delivery loops; 0: 2
	Backoff Backoff
	Logger  *slog.Logger
}

// Run runs the scheduler, the outbox filler and the delivery loops until ctx ends.
// It is what `coldset serve` starts; any number of processes may run it on one
// database.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Logs == nil || cfg.Outbox == nil {
		return errors.New("notify: no store to read entries from or no outbox to fill")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.Workers == 0 {
		cfg.Workers = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	fillWake, sendWake := make(chan struct{}, 1), make(chan struct{}, 1)
	poke := func(ch chan struct{}) {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	sched := &Scheduler{Ledger: cfg.Ledger, Clock: cfg.Clock, Poll: cfg.Poll, Logger: cfg.Logger,
		Ticked: func() { poke(fillWake) }}
	filler := NewFiller(cfg.Logs, cfg.Outbox, cfg.Now)
	var wg sync.WaitGroup
	wg.Go(func() { sched.Run(ctx) })
	wg.Go(func() {
		loop(ctx, cfg.Poll, fillWake, func() bool {
			n, err := filler.FillAll(ctx)
			if err != nil && ctx.Err() == nil {
				cfg.Logger.Error("outbox fill failed", "err", err)
			}
			if n > 0 {
				poke(sendWake)
			}
			return false
		})
	})
	for range cfg.Workers {
		d := &Deliverer{Outbox: cfg.Outbox, Mail: cfg.Mail, Webhooks: cfg.Webhooks, Now: cfg.Now, Backoff: cfg.Backoff, Logger: cfg.Logger}
		wg.Go(func() {
			loop(ctx, cfg.Poll, sendWake, func() bool {
				n, err := d.DeliverDue(ctx)
				if err != nil && ctx.Err() == nil {
					cfg.Logger.Error("outbox delivery failed", "err", err)
					return false
				}
				return n > 0 // a batch was sent: more may be due at once
			})
		})
	}
	wg.Wait()
	return nil
}

// loop runs step at once, then again whenever woken or every poll; while step says
// there may be more, it runs again at once.
func loop(ctx context.Context, poll time.Duration, wake <-chan struct{}, step func() (more bool)) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for step() && ctx.Err() == nil {
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}
