package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/notify"
	"coldset/internal/store/storetest"
)

// TestDelivererRetriesWithBackoff drives one deliverer on a manual clock against a
// webhook that fails twice, and an e-mail row with no mail server configured.
func TestDelivererRetriesWithBackoff(t *testing.T) {
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusBadGateway)
		}
	}))
	defer hook.Close()
	ob := storetest.OpenSQLite(t)
	ctx := context.Background()
	msgs := []notify.Message{
		{Production: "p", Index: 1, Event: "escalation", Contact: "union", Channel: notify.ChannelWebhook, Address: hook.URL,
			Secret: "0123456789abcdef", Subject: "s", Body: []byte(`{}`), Status: notify.StatusPending},
		{Production: "p", Index: 1, Event: "escalation", Contact: "sol", Channel: notify.ChannelEmail, Address: "sol@x.test",
			Subject: "s", Body: []byte("text"), Status: notify.StatusPending},
	}
	if err := ob.Enqueue(ctx, "p", 2, msgs, t0); err != nil {
		t.Fatal(err)
	}
	clock := notify.NewManualClock(t0)
	d := &notify.Deliverer{Outbox: ob, Webhooks: localHooks, Now: clock.Now, Backoff: notify.Backoff{Base: time.Minute, Max: 3 * time.Minute}, Logger: quiet}
	for _, step := range []struct {
		at      time.Duration
		tried   int // rows attempted at this time
		webhook string
		mail    string
	}{
		{0, 2, "pending 1 next +1m", "pending 1 next +1m"},
		{59 * time.Second, 0, "pending 1 next +1m", "pending 1 next +1m"},
		{time.Minute, 2, "pending 2 next +3m", "pending 2 next +3m"},
		{3 * time.Minute, 2, "delivered 3", "pending 3 next +6m"},
		{6 * time.Minute, 1, "delivered 3", "pending 4 next +9m"}, // capped at 3 minutes
	} {
		clock.Set(t0.Add(step.at))
		n, err := d.DeliverDue(ctx)
		if err != nil || n != step.tried {
			t.Fatalf("at +%s: DeliverDue = %d, %v; want %d", step.at, n, err, step.tried)
		}
		ds, err := ob.Deliveries(ctx, "p")
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range ds {
			got := row.Status + " " + strconv.Itoa(len(row.Attempts))
			if row.Status == notify.StatusPending {
				got += " next +" + strings.TrimSuffix(row.NextAt.Sub(t0).String(), "0s")
			}
			want := map[string]string{notify.ChannelWebhook: step.webhook, notify.ChannelEmail: step.mail}[row.Channel]
			if got != want {
				t.Errorf("at +%s: %s row is %q, want %q", step.at, row.Channel, got, want)
			}
			if row.Channel == notify.ChannelEmail && !strings.Contains(row.Attempts[0].Error, "no mail server") {
				t.Errorf("e-mail attempt error %q, want it to say no mail server is configured", row.Attempts[0].Error)
			}
		}
	}
}
