package notify_test

import (
	"testing"
	"time"

	"coldset/internal/notify"
)

// TestDeliveryAcrossKill kills the process that committed an escalation, or the one
// delivering it, and checks that after a restart every message arrives once.
func TestDeliveryAcrossKill(t *testing.T) {
	for _, tc := range []struct {
		name string
		// receiversDown: the first notifier runs while the mail server is unreachable and
		// the webhooks answer 503, and is killed after every row failed once.
		receiversDown bool
		restartAt     time.Time // the clock of the restarted notifier
		want          map[string][]string
	}{
		{
			name:      "killed after the commit, before the outbox was written",
			restartAt: t0,
			want:      map[string][]string{"c1 level 1": {"sol@x.test", "/sol", "raf@x.test"}},
		},
		{
			name:          "killed while the receivers were down",
			receiversDown: true,
			restartAt:     t0,
			want:          map[string][]string{"c1 level 1": {"sol@x.test", "/sol", "raf@x.test"}},
		},
		{
			name:      "restarted two days after the filing",
			restartAt: t0.Add(49 * time.Hour),
			want: map[string][]string{
				"c1 level 1": {"sol@x.test", "/sol", "raf@x.test"},
				"c1 level 2": {"pia@x.test", "/max"},
				"c1 level 3": {"pia@x.test", "/max", "studio@x.test"},
				"c1 level 4": {"/union", "witness@x.test"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			smtpd := startSMTP(t)
			hooks := startWebhooks(t, hookSecrets)
			db, st := setUpCrash(t, "x.test", hooks)

			// The process that files the concern dies right after the commit.
			startChild(t, db, "commit", smtpd.Addr, t0).wait(t)
			if ds := deliveries(t, st); len(ds) != 0 {
				t.Fatalf("outbox rows before any notifier ran: %d", len(ds))
			}

			if tc.receiversDown {
				hooks.down.Store(true)
				first := startChild(t, db, "deliver", freeAddr(t), tc.restartAt)
				waitFor(t, "every row to fail once", func() bool {
					ds := deliveries(t, st)
					failed := 0
					for _, d := range ds {
						if d.Channel != notify.ChannelNone && d.Tries > 0 && d.Status == notify.StatusPending {
							failed++
						}
					}
					return failed == 3
				})
				first.kill()
				hooks.down.Store(false)
			}

			restarted := startChild(t, db, "deliver", smtpd.Addr, tc.restartAt)
			all := func() []received {
				hooked, bad := hooks.messages()
				if len(bad) > 0 {
					t.Fatalf("webhooks with a bad signature or body: %v", bad)
				}
				return append(smtpd.messages(t), hooked...)
			}
			waitFor(t, "the escalations to arrive", func() bool {
				got, _ := escalations(all())
				n := 0
				for k, want := range tc.want {
					if len(got[k]) >= len(want) {
						n++
					}
				}
				return n == len(tc.want)
			})
			time.Sleep(300 * time.Millisecond) // let any repeat arrive
			restarted.kill()

			got, repeats := escalations(all())
			if len(repeats) > 0 {
				t.Errorf("received more than once: %v", repeats)
			}
			for k, want := range tc.want {
				if !sameReceivers(got, k, want) {
					t.Errorf("%s reached %v, want %v", k, got[k], want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("escalations received:\n%s", describe(got))
			}
			for _, d := range deliveries(t, st) {
				if d.Channel == notify.ChannelNone {
					continue
				}
				if d.Status != notify.StatusDelivered || !d.Attempts[len(d.Attempts)-1].OK {
					t.Errorf("%s: status %s after attempts %+v", d.Key(), d.Status, d.Attempts)
				}
				if tc.receiversDown && (len(d.Attempts) < 2 || d.Attempts[0].OK || d.Attempts[0].Error == "") {
					t.Errorf("%s: attempts %+v, want a failure on record before the delivery", d.Key(), d.Attempts)
				}
			}
		})
	}
}
