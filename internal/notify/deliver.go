package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Backoff is how long a failed delivery waits before its next attempt: Base after the
// first failure, doubling after each further one, never more than Max.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff retries after 30 seconds, then 1, 2, 4 ... minutes, at most hourly.
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: time.Hour}

// After returns the wait after the given number of failed attempts (1 or more).
func (b Backoff) After(failures int) time.Duration {
	d := b.Base
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Deliverer sends due outbox rows. Any number of Deliverers, in any number of
// processes, may share an outbox: each row is sent by the one holding its claim.
//
// A row is marked delivered only after the mail server or webhook accepted it. A
// process that dies after the receiver accepted a row and before it was marked sends
// it again once the claim runs out; every attempt at a row carries the same
// delivery id (X-Coldset-Delivery, and the e-mail's Message-ID) so that a receiver can
// drop such a repeat.
type Deliverer struct {
	Outbox Store
	Mail   Mailer
	// Webhooks says where webhooks may go; the zero value: public addresses only.
	Webhooks WebhookPolicy
	Now      func() time.Time // leases and retries; nil: time.Now
	Lease    time.Duration    // how long a claim lasts; 0: 2 minutes (at least one send's timeout and a margin)
	Backoff  Backoff          // zero: DefaultBackoff
	Batch    int              // rows claimed at once; 0: 20
	Logger   *slog.Logger

	client *http.Client // made from Webhooks on first use
}

func (d *Deliverer) defaults() {
	if d.client == nil {
		d.client = d.Webhooks.client()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Lease < sendTimeout+leaseMargin {
		d.Lease = 2 * time.Minute
	}
	if d.Backoff == (Backoff{}) {
		d.Backoff = DefaultBackoff
	}
	if d.Batch == 0 {
		d.Batch = 20
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
}

// sendTimeout bounds one attempt; the claim's lease must be longer.
const sendTimeout = 30 * time.Second

// DeliverDue claims the rows due now and attempts each once. It returns how many it
// attempted; fewer than a full batch means nothing else was due.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	d.defaults()
	claimed := d.Now()
	ds, err := d.Outbox.Claim(ctx, claimed, d.Lease, d.Batch)
	if err != nil {
		return 0, fmt.Errorf("deliver: %w", err)
	}
	for i, row := range ds {
		// A send must end while the claim holds, or another deliverer could take the
		// row and send it too. Rows left over (slow receivers ate the lease) go back
		// to the outbox when the claim runs out.
		if d.Now().Add(sendTimeout + leaseMargin).After(claimed.Add(d.Lease)) {
			return i, nil
		}
		if err := d.attempt(ctx, row); err != nil {
			return i + 1, err
		}
	}
	return len(ds), nil
}

// leaseMargin is the time a claim must have left after a send's timeout, for
// recording the attempt and for clocks that differ a little between processes.
const leaseMargin = 15 * time.Second

// attempt sends one claimed row and records the outcome.
func (d *Deliverer) attempt(ctx context.Context, row Delivery) error {
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	var err error
	switch row.Channel {
	case ChannelEmail:
		if d.Mail == nil {
			err = errors.New("no mail server is configured (coldset serve --smtp)")
		} else {
			err = d.Mail.Send(sendCtx, row)
		}
	case ChannelWebhook:
		err = postWebhook(sendCtx, d.client, row)
	default:
		err = fmt.Errorf("unknown channel %q", row.Channel)
	}
	cancel()
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the claim runs out and the row is tried again
	}
	now := d.Now()
	a := Attempt{At: now.UTC(), OK: err == nil}
	if err != nil {
		a.Error = err.Error()
		d.Logger.Warn("delivery failed", "delivery", row.Key(), "attempt", row.Tries+1, "err", err)
	}
	retry := now.Add(d.Backoff.After(row.Tries + 1))
	if err := d.Outbox.Finish(ctx, row, a, retry); err != nil {
		if errors.Is(err, ErrLost) {
			d.Logger.Warn("delivery claim ran out before the attempt was recorded", "delivery", row.Key())
			return nil
		}
		return fmt.Errorf("deliver %s: %w", row.Key(), err)
	}
	return nil
}
