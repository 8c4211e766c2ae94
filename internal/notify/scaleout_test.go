package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/notify"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/storetest"
)

// TestTwoServersOnOnePostgres runs two complete notifiers (each with its own
// database pool, ledger, scheduler, filler and deliverers, as two `coldset serve`
// processes have) on one PostgreSQL database with one clock, and files 100 concerns
// through both. Every escalation must be recorded once and delivered once.
func TestTwoServersOnOnePostgres(t *testing.T) {
	const productions, concerns = 4, 100
	url := storetest.PostgresURL(t)
	secrets := map[string]string{"/sol": "sol-secret-0123456789", "/pia": "pia-secret-0123456789",
		"/studio": "studio-secret-0123456789", "/union": "union-secret-0123456789"}
	hooks := startWebhooks(t, secrets)
	keyDir := t.TempDir()
	clock := notify.NewManualClock(t0)

	var ledgers []*ledger.Ledger
	var backends []store.Backend
	var outbox notify.Store
	var counters []*claimCounter
	for range 2 {
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		ledgers = append(ledgers, openLedger(t, st, keyDir))
		backends = append(backends, st)
		outbox = st
		counters = append(counters, &claimCounter{Store: st})
	}
	ids := make([]string, productions)
	for i := range ids {
		ids[i] = fmt.Sprintf("pg-%d", i)
		createProduction(t, openProduction(t, ledgers[0], ids[i]))
		var cs []notify.Contact
		for _, who := range []struct{ id, person, role string }{{"sol", "sol", ""}, {"pia", "pia", ""},
			{"studio", "", notify.RoleStudioSafety}, {"union", "", notify.RoleUnionSafety}} {
			cs = append(cs, notify.Contact{ID: who.id, Person: who.person, Role: who.role,
				WebhookURL: hooks.URL("/" + who.id), WebhookSecret: secrets["/"+who.id]})
		}
		setContacts(t, outbox, ids[i], cs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	for i, lg := range ledgers {
		go func() {
			notify.Run(ctx, notify.Config{Ledger: lg, Logs: backends[i], Outbox: counters[i], Clock: clock, Webhooks: localHooks, Poll: 50 * time.Millisecond, Logger: quiet})
			done <- struct{}{}
		}()
	}
	t.Cleanup(func() { cancel(); <-done; <-done })

	severities := []string{"critical", "high", "low"}
	for n := range concerns {
		p := openProduction(t, ledgers[n%2], ids[n%productions])
		fileConcern(t, p, fmt.Sprintf("c%03d", n), severities[n%3], n%5 == 0, t0)
	}
	perLevel := map[int][]string{1: {"/sol"}, 2: {"/pia"}, 3: {"/pia", "/studio"}, 4: {"/union"}}
	deadlines := map[string][]time.Duration{ // levels 2, 3 and 4
		"critical": {15 * time.Minute, 2 * time.Hour, 4 * time.Hour},
		"high":     {time.Hour, 24 * time.Hour, 48 * time.Hour},
		"low":      {24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour},
	}
	// want lists, for the clock at each step, the receivers of every escalation due.
	want := func(at time.Duration) map[string][]string {
		w := map[string][]string{}
		for n := range concerns {
			id := fmt.Sprintf("c%03d", n)
			key := fmt.Sprintf("%s/%s", ids[n%productions], id)
			w[key+" level 1"] = perLevel[1]
			for i, d := range deadlines[severities[n%3]] {
				if d <= at {
					w[fmt.Sprintf("%s level %d", key, i+2)] = perLevel[i+2]
				}
			}
		}
		return w
	}
	got := func() map[string][]string {
		msgs, bad := hooks.messages()
		if len(bad) > 0 {
			t.Fatalf("webhooks with a bad signature or body: %v", bad)
		}
		for i := range msgs {
			msgs[i].Concern = msgs[i].Delivery[:len(ids[0])] + "/" + msgs[i].Concern
		}
		g, repeats := escalations(msgs)
		if len(repeats) > 0 {
			t.Fatalf("received more than once: %v", repeats)
		}
		return g
	}
	for _, step := range []time.Duration{0, 15 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour,
		24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour} {
		clock.Set(t0.Add(step))
		w := want(step)
		waitFor(t, fmt.Sprintf("the escalations due at +%s", step), func() bool {
			g := got()
			for k, v := range w {
				if len(g[k]) < len(v) {
					return false
				}
			}
			return true
		})
	}
	time.Sleep(300 * time.Millisecond) // let any repeat arrive
	g, w := got(), want(14*24*time.Hour)
	for k, v := range w {
		if !sameReceivers(g, k, v) {
			t.Errorf("%s reached %v, want %v", k, g[k], v)
		}
	}
	if len(g) != len(w) || len(w) != 4*concerns {
		t.Errorf("%d escalations received, want %d", len(g), 4*concerns)
	}
	checkRecordedOnce(t, backends[0], ids)
	t.Logf("rows claimed by each server: %d and %d", counters[0].claimed.Load(), counters[1].claimed.Load())
}

// claimCounter counts the rows one server claims.
type claimCounter struct {
	notify.Store
	claimed atomic.Int64
}

func (c *claimCounter) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]notify.Delivery, error) {
	ds, err := c.Store.Claim(ctx, now, lease, limit)
	c.claimed.Add(int64(len(ds)))
	return ds, err
}

// checkRecordedOnce checks that every concern reached every level once in the ledger.
func checkRecordedOnce(t *testing.T, st store.Store, ids []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range ids {
		size, err := st.Size(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.Entries(context.Background(), id, 0, size)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			e, err := ledger.DecodeEntry(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if e.Type == "escalation" {
				var p struct {
					Concern string `json:"concern"`
					Level   int    `json:"level"`
				}
				json.Unmarshal(e.Payload, &p)
				seen[fmt.Sprintf("%s/%s level %d", id, p.Concern, p.Level)]++
			}
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s recorded %d times", k, n)
		}
	}
	if len(seen) != 400 {
		t.Errorf("%d escalations recorded, want 400", len(seen))
	}
}
