// Package outboxtest is the conformance suite of notify.Store: both store backends
// run it against a real database.
package outboxtest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"coldset/internal/notify"
)

var t0 = time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)

// Run runs the suite; open returns an empty store of the test's own.
func Run(t *testing.T, open func(t *testing.T) notify.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, st notify.Store)
	}{
		{"contacts are replaced whole", testContacts},
		{"enqueue twice writes each row once", testEnqueueIdempotent},
		{"cursor never moves back", testCursor},
		{"a claimed row is not claimed again until its lease ends", testClaimLease},
		{"a failed attempt is retried at its time", testRetry},
		{"a finish after the claim was lost is refused", testLost},
		{"concurrent claimers take each row once", testConcurrentClaims},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func msg(prod string, idx uint64, contact, channel string) notify.Message {
	return notify.Message{Production: prod, Index: idx, Event: "escalation", Contact: contact, Channel: channel,
		Address: contact + "@example.com", Secret: "s3cret-s3cret-s3cret", Subject: "subject", Body: []byte("body\nline"),
		Status: notify.StatusPending}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testContacts(t *testing.T, st notify.Store) {
	ctx := context.Background()
	got, err := st.Contacts(ctx, "p1")
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("contacts of a new production = %v, want none", got)
	}
	for _, want := range [][]notify.Contact{
		{{ID: "so", Person: "so1", Email: "so@example.com"}, {ID: "union", Role: notify.RoleUnionSafety, WebhookURL: "https://u.example/hook", WebhookSecret: "0123456789abcdef"}},
		{{ID: "w", Role: notify.RoleWitness, Email: "w@example.com"}},
	} {
		must(t, st.SetContacts(ctx, "p1", want))
		got, err := st.Contacts(ctx, "p1")
		must(t, err)
		if !slices.Equal(got, want) {
			t.Fatalf("contacts = %+v, want %+v", got, want)
		}
	}
	if other, _ := st.Contacts(ctx, "p2"); len(other) != 0 {
		t.Fatalf("contacts of p2 = %v, want none", other)
	}
}

func testEnqueueIdempotent(t *testing.T, st notify.Store) {
	ctx := context.Background()
	msgs := []notify.Message{msg("p1", 3, "a", notify.ChannelEmail), msg("p1", 3, "a", notify.ChannelWebhook), msg("p1", 4, "b", notify.ChannelEmail)}
	must(t, st.Enqueue(ctx, "p1", 5, msgs, t0))
	must(t, st.Enqueue(ctx, "p1", 5, msgs, t0.Add(time.Minute)))
	ds, err := st.Deliveries(ctx, "p1")
	must(t, err)
	var keys []string
	for _, d := range ds {
		keys = append(keys, d.Key())
		if string(d.Body) != "body\nline" || d.Status != notify.StatusPending || !d.Created.Equal(t0) {
			t.Errorf("row %s = %+v", d.Key(), d)
		}
	}
	want := []string{"p1/4/b/email", "p1/3/a/email", "p1/3/a/webhook"}
	if !slices.Equal(keys, want) {
		t.Fatalf("rows = %v, want %v (newest entry first)", keys, want)
	}
}

func testCursor(t *testing.T, st notify.Store) {
	ctx := context.Background()
	for _, step := range []struct{ to, want uint64 }{{0, 0}, {7, 7}, {3, 7}, {9, 9}} {
		if step.to > 0 {
			must(t, st.Enqueue(ctx, "p1", step.to, nil, t0))
		}
		got, err := st.OutboxCursor(ctx, "p1")
		must(t, err)
		if got != step.want {
			t.Fatalf("after enqueue to %d: cursor = %d, want %d", step.to, got, step.want)
		}
	}
}

func testClaimLease(t *testing.T, st notify.Store) {
	ctx := context.Background()
	must(t, st.Enqueue(ctx, "p1", 1, []notify.Message{msg("p1", 0, "a", notify.ChannelEmail)}, t0))
	first, err := st.Claim(ctx, t0, time.Minute, 10)
	must(t, err)
	if len(first) != 1 || first[0].Claim == "" {
		t.Fatalf("first claim = %+v, want the one row with a claim token", first)
	}
	again, err := st.Claim(ctx, t0.Add(59*time.Second), time.Minute, 10)
	must(t, err)
	if len(again) != 0 {
		t.Fatalf("claim within the lease = %d rows, want none", len(again))
	}
	after, err := st.Claim(ctx, t0.Add(time.Minute), time.Minute, 10)
	must(t, err)
	if len(after) != 1 || after[0].Claim == first[0].Claim {
		t.Fatalf("claim after the lease = %+v, want the row under a new token", after)
	}
	must(t, st.Finish(ctx, after[0], notify.Attempt{At: t0.Add(time.Minute), OK: true}, time.Time{}))
	if rest, _ := st.Claim(ctx, t0.Add(time.Hour), time.Minute, 10); len(rest) != 0 {
		t.Fatalf("claim after delivery = %d rows, want none", len(rest))
	}
	ds, err := st.Deliveries(ctx, "p1")
	must(t, err)
	if d := ds[0]; d.Status != notify.StatusDelivered || d.Delivered == nil || len(d.Attempts) != 1 || !d.Attempts[0].OK {
		t.Fatalf("delivered row = %+v", d)
	}
}

func testRetry(t *testing.T, st notify.Store) {
	ctx := context.Background()
	must(t, st.Enqueue(ctx, "p1", 1, []notify.Message{msg("p1", 0, "a", notify.ChannelWebhook)}, t0))
	ds, err := st.Claim(ctx, t0, time.Minute, 10)
	must(t, err)
	must(t, st.Finish(ctx, ds[0], notify.Attempt{At: t0, Error: "connection refused"}, t0.Add(30*time.Second)))
	if early, _ := st.Claim(ctx, t0.Add(29*time.Second), time.Minute, 10); len(early) != 0 {
		t.Fatalf("claim before the retry time = %d rows, want none", len(early))
	}
	due, err := st.Claim(ctx, t0.Add(30*time.Second), time.Minute, 10)
	must(t, err)
	if len(due) != 1 || due[0].Tries != 1 {
		t.Fatalf("claim at the retry time = %+v, want the row after 1 try", due)
	}
	must(t, st.Finish(ctx, due[0], notify.Attempt{At: t0.Add(31 * time.Second), OK: true}, time.Time{}))
	list, err := st.Deliveries(ctx, "p1")
	must(t, err)
	got := list[0].Attempts
	if len(got) != 2 || got[0].OK || got[0].Error != "connection refused" || !got[0].At.Equal(t0) || !got[1].OK {
		t.Fatalf("attempts = %+v, want a failure then a success", got)
	}
}

func testLost(t *testing.T, st notify.Store) {
	ctx := context.Background()
	must(t, st.Enqueue(ctx, "p1", 1, []notify.Message{msg("p1", 0, "a", notify.ChannelEmail)}, t0))
	slow, err := st.Claim(ctx, t0, time.Minute, 10)
	must(t, err)
	fast, err := st.Claim(ctx, t0.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	must(t, st.Finish(ctx, fast[0], notify.Attempt{At: t0.Add(2 * time.Minute), OK: true}, time.Time{}))
	err = st.Finish(ctx, slow[0], notify.Attempt{At: t0.Add(3 * time.Minute), OK: true}, time.Time{})
	if !errors.Is(err, notify.ErrLost) {
		t.Fatalf("finish under a lost claim: err = %v, want ErrLost", err)
	}
}

func testConcurrentClaims(t *testing.T, st notify.Store) {
	ctx := context.Background()
	const rows, claimers = 60, 4
	var msgs []notify.Message
	for i := range rows {
		msgs = append(msgs, msg("p1", uint64(i), "a", notify.ChannelEmail))
	}
	must(t, st.Enqueue(ctx, "p1", rows, msgs, t0))
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range claimers {
		wg.Go(func() {
			for {
				ds, err := st.Claim(ctx, t0, time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				for _, d := range ds {
					mu.Lock()
					seen[d.ID]++
					mu.Unlock()
					if err := st.Finish(ctx, d, notify.Attempt{At: t0, OK: true}, time.Time{}); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != rows {
		t.Fatalf("%d rows claimed, want %d", len(seen), rows)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
}
