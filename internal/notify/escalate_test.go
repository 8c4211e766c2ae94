package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"coldset/internal/notify"
	"coldset/internal/store/storetest"
)

// secrets of the webhook contacts, by the path each posts to.
var hookSecrets = map[string]string{"/sol": "sol-secret-0123456789", "/max": "max-secret-0123456789", "/union": "union-secret-0123456789"}

// contactsFor reaches every role of RULES.md's escalation levels: some by e-mail, some
// by webhook, the safety officer by both. The armorer's contact hears of holds only.
func contactsFor(mailDomain string, hooks *webhookSink) []notify.Contact {
	return []notify.Contact{
		{ID: "sol", Person: "sol", Email: "sol@" + mailDomain, WebhookURL: hooks.URL("/sol"), WebhookSecret: hookSecrets["/sol"]},
		{ID: "raf", Person: "raf", Email: "raf@" + mailDomain},
		{ID: "pia", Person: "pia", Email: "pia@" + mailDomain},
		{ID: "max", Person: "max", WebhookURL: hooks.URL("/max"), WebhookSecret: hookSecrets["/max"]},
		{ID: "ana", Person: "ana", Email: "ana@" + mailDomain},
		{ID: "studio", Role: notify.RoleStudioSafety, Email: "studio@" + mailDomain},
		{ID: "union", Role: notify.RoleUnionSafety, WebhookURL: hooks.URL("/union"), WebhookSecret: hookSecrets["/union"]},
		{ID: "witness", Role: notify.RoleWitness, Email: "witness@" + mailDomain},
	}
}

func TestConcernLeftAloneReachesEachLevelOnce(t *testing.T) {
	smtpd := startSMTP(t)
	hooks := startWebhooks(t, hookSecrets)
	for _, tc := range []struct {
		name      string
		anonymous bool
		level1    []string
	}{
		{"high concern by a camera operator", false, []string{"sol@a.test", "/sol", "raf@a.test"}},
		{"anonymous high concern", true, []string{"sol@b.test", "/sol"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			domain := map[bool]string{false: "a.test", true: "b.test"}[tc.anonymous]
			st := storetest.OpenSQLite(t)
			ob := st
			lg := openLedger(t, st, t.TempDir())
			id := map[bool]string{false: "named", true: "anon"}[tc.anonymous]
			p := openProduction(t, lg, id)
			createProduction(t, p)
			setContacts(t, ob, id, contactsFor(domain, hooks))

			clock := notify.NewManualClock(t0)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				notify.Run(ctx, notify.Config{Ledger: lg, Logs: st, Outbox: ob, Clock: clock, Webhooks: localHooks, Mail: &notify.SMTP{Addr: smtpd.Addr, From: "coldset@studio.test"},
					Poll: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			}()
			t.Cleanup(func() { cancel(); <-done })

			mine := func() []received {
				var out []received
				hooked, bad := hooks.messages()
				if len(bad) > 0 {
					t.Fatalf("webhooks with a bad signature or body: %v", bad)
				}
				for _, m := range append(smtpd.messages(t), hooked...) {
					if strings.HasPrefix(m.Delivery, id+"/") {
						out = append(out, m)
					}
				}
				return out
			}
			levels := []struct {
				at   time.Duration
				want []string
			}{
				{0, tc.level1},
				{time.Hour, []string{"pia@" + domain, "/max"}},
				{24 * time.Hour, []string{"pia@" + domain, "/max", "studio@" + domain}},
				{48 * time.Hour, []string{"/union", "witness@" + domain}},
			}
			fileConcern(t, p, "c1", "high", tc.anonymous, t0)
			for n, lv := range levels {
				key := fmt.Sprintf("c1 level %d", n+1)
				if n > 0 {
					// A minute before the deadline nothing goes out.
					clock.Set(t0.Add(lv.at - time.Minute))
					time.Sleep(200 * time.Millisecond)
					if got, _ := escalations(mine()); len(got[key]) > 0 {
						t.Fatalf("%s went out a minute early, to %v", key, got[key])
					}
					clock.Set(t0.Add(lv.at))
				}
				waitFor(t, key, func() bool { got, _ := escalations(mine()); return len(got[key]) >= len(lv.want) })
			}
			time.Sleep(300 * time.Millisecond) // let any repeat arrive
			msgs := mine()
			got, repeats := escalations(msgs)
			if len(repeats) > 0 {
				t.Errorf("received more than once: %v", repeats)
			}
			for n, lv := range levels {
				key := fmt.Sprintf("c1 level %d", n+1)
				if !sameReceivers(got, key, lv.want) {
					t.Errorf("%s reached %v, want %v", key, got[key], lv.want)
				}
			}
			if len(got) != len(levels) {
				t.Errorf("escalations received:\n%s", describe(got))
			}
			checkWords(t, msgs, tc.anonymous)
			if testing.Verbose() {
				for _, m := range msgs {
					t.Logf("%s %s\n%s", m.Delivery, m.Subject, m.Text)
				}
			}
		})
	}
}

// checkWords checks that escalation messages say what the concern is and what to do,
// and that an anonymous concern's messages do not name its reporter.
func checkWords(t *testing.T, msgs []received, anonymous bool) {
	t.Helper()
	for _, m := range msgs {
		if m.Level == 0 {
			continue
		}
		for _, want := range []string{"equipment", "high", "brakes fail on the downhill run", "What to do:", "escalation level"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: message lacks %q:\n%s", m.Delivery, want, m.Text)
			}
		}
		if m.Level == 1 && !strings.Contains(m.Text, "resolve by") {
			t.Errorf("%s: level 1 message does not give the resolve deadline:\n%s", m.Delivery, m.Text)
		}
		named := strings.Contains(m.Text, "Cy Amar")
		if anonymous && (named || strings.Contains(m.Text, "(cam)")) {
			t.Errorf("%s: anonymous concern's message names its reporter:\n%s", m.Delivery, m.Text)
		}
		if !anonymous && !named {
			t.Errorf("%s: message does not say who reported:\n%s", m.Delivery, m.Text)
		}
		if c, ok := m.Details["concern"].(map[string]any); ok && anonymous && c["reporter"] != nil {
			t.Errorf("%s: anonymous concern's webhook names reporter %v", m.Delivery, c["reporter"])
		}
	}
}
