package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/notify"
	"coldset/internal/store/storetest"
)

// attemptWebhook puts one webhook row for url in a fresh outbox and has a deliverer
// that may also reach the ranges in allow (as --webhook-allow reads them) attempt
// it once. It returns the row as stored afterwards and what the deliverer logged.
func attemptWebhook(t *testing.T, url, allow string) (notify.Delivery, string) {
	t.Helper()
	ranges, err := notify.ParseWebhookAllow(allow)
	if err != nil {
		t.Fatal(err)
	}
	ob := storetest.OpenSQLite(t)
	ctx := context.Background()
	msg := notify.Message{Production: "p", Index: 1, Event: "escalation", Contact: "union", Channel: notify.ChannelWebhook,
		Address: url, Secret: "0123456789abcdef", Subject: "s", Body: []byte(`{}`), Status: notify.StatusPending}
	if err := ob.Enqueue(ctx, "p", 2, []notify.Message{msg}, t0); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	d := &notify.Deliverer{Outbox: ob, Webhooks: notify.WebhookPolicy{Allow: ranges}, Now: func() time.Time { return t0 },
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v; want 1 row attempted", n, err)
	}
	ds, err := ob.Deliveries(ctx, "p")
	if err != nil || len(ds) != 1 || len(ds[0].Attempts) != 1 {
		t.Fatalf("deliveries %+v, %v; want one row with one attempt", ds, err)
	}
	return ds[0], logs.String()
}

// countingServer is a local HTTP server that counts the requests it receives and
// answers each with h.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}
