package server

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"coldset/internal/notify"
)

// newTestAPIAllowing is newTestAPI with webhooks also allowed to the address ranges
// in allow, as `coldset serve --webhook-allow` reads them.
func newTestAPIAllowing(t *testing.T, allow string) *testAPI {
	t.Helper()
	return newTestAPIConfig(t, Config{Webhooks: webhookPolicy(t, allow)})
}

// deliverWebhooks writes the outbox rows of every entry so far and attempts each due
// row once, as `coldset serve` would with --webhook-allow set to allow.
func (ta *testAPI) deliverWebhooks(t *testing.T, allow string) {
	t.Helper()
	ctx := context.Background()
	ob := ta.st
	if _, err := notify.NewFiller(ta.st, ob, ta.clock).FillAll(ctx); err != nil {
		t.Fatal(err)
	}
	d := &notify.Deliverer{Outbox: ob, Webhooks: webhookPolicy(t, allow), Now: ta.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := d.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
}

func webhookPolicy(t *testing.T, allow string) notify.WebhookPolicy {
	t.Helper()
	ranges, err := notify.ParseWebhookAllow(allow)
	if err != nil {
		t.Fatal(err)
	}
	return notify.WebhookPolicy{Allow: ranges}
}
