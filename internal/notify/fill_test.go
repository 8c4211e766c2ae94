package notify_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"coldset/internal/notify"
	"coldset/internal/rules"
	"coldset/internal/store/storetest"
)

// TestFillerTellsTheRightPeople checks, for each kind of event that is delivered,
// which contacts the outbox addresses.
func TestFillerTellsTheRightPeople(t *testing.T) {
	type step struct {
		as   string
		do   string
		with map[string]any
	}
	injury := step{"cam", "incident.report", map[string]any{"id": "i1", "kind": "injury", "text": "burn from a squib on the left hand"}}
	for _, tc := range []struct {
		name  string
		steps []step
		want  map[string][]string // event -> contacts
		words map[string][]string // event -> what its message must say
	}{
		{
			name:  "serious incident reported",
			steps: []step{injury},
			want: map[string][]string{
				"incident.report": {"ana", "max", "pia", "sol", "studio"},
				"hold.place":      {"ana", "dan", "max", "pia", "sol"},
			},
			words: map[string][]string{
				"incident.report": {"injury", "burn from a squib", "incident.close"},
				"hold.place":      {"risk-red-hold", "hold.override"},
			},
		},
		{
			name:  "near miss is not a serious incident",
			steps: []step{{"cam", "incident.report", map[string]any{"id": "n1", "kind": "near-miss", "text": "muzzle swept the crew"}}},
			want:  map[string][]string{},
		},
		{
			name:  "producer overrides the red hold",
			steps: []step{injury, {"pia", "hold.override", map[string]any{"reason": "the injured stunt double is cleared and the scene is dialogue only"}}},
			want: map[string][]string{
				"incident.report": {"ana", "max", "pia", "sol", "studio"},
				"hold.place":      {"ana", "dan", "max", "pia", "sol"},
				"flag":            {"max", "pia", "sol", "studio"},
			},
			words: map[string][]string{"flag": {"Pia Moss (pia)", "dialogue only", "red"}},
		},
		{
			name:  "anonymous concern reaches the safety officer alone",
			steps: []step{{"", "concern.file", map[string]any{"id": "c1", "category": "conduct", "severity": "low", "text": "the armorer is pressured to hurry"}}},
			want:  map[string][]string{"escalation": {"sol"}},
			words: map[string][]string{"escalation": {"anonymously", "the armorer is pressured to hurry", "conduct", "low", "What to do:"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.OpenSQLite(t)
			ob := st
			lg := openLedger(t, st, t.TempDir())
			p := openProduction(t, lg, "fill")
			createProduction(t, p)
			var cs []notify.Contact
			for _, who := range []string{"sol", "pia", "max", "raf", "cam", "ana", "dan"} {
				cs = append(cs, notify.Contact{ID: who, Person: who, Email: who + "@crew.test"})
			}
			cs = append(cs, notify.Contact{ID: "studio", Role: notify.RoleStudioSafety, Email: "studio@studio.test"},
				notify.Contact{ID: "union", Role: notify.RoleUnionSafety, Email: "union@union.test"})
			setContacts(t, ob, "fill", cs)
			for i, s := range tc.steps {
				by := rules.Actor{Person: s.as}
				if s.as == "" {
					by = rules.Actor{Anonymous: true, Receipt: "receipt"}
				}
				act(t, p, by, s.do, s.with, t0.Add(time.Duration(i)*time.Minute))
			}
			filler := notify.NewFiller(st, ob, time.Now)
			for range 2 { // filling again writes nothing new
				if _, err := filler.FillAll(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := notify.NewFiller(st, ob, time.Now).FillAll(context.Background()); err != nil {
				t.Fatal(err) // nor does a new process
			}
			ds, err := ob.Deliveries(context.Background(), "fill")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, d := range ds {
				got[d.Event] = append(got[d.Event], d.Contact)
				if slices.Contains(tc.want[d.Event], d.Contact) {
					for _, w := range tc.words[d.Event] {
						if !strings.Contains(string(d.Body), w) {
							t.Errorf("%s to %s lacks %q:\n%s", d.Event, d.Contact, w, d.Body)
						}
					}
				}
			}
			for ev, who := range got {
				sort.Strings(who)
				if !slices.Equal(who, tc.want[ev]) {
					t.Errorf("%s told %v, want %v", ev, who, tc.want[ev])
				}
			}
			for ev := range tc.want {
				if got[ev] == nil {
					t.Errorf("nobody told of %s", ev)
				}
			}
		})
	}
}

// failingEnqueue is an outbox whose next Enqueue fails, as when the database drops
// the connection mid-write.
type failingEnqueue struct {
	notify.Store
	fail bool
}

func (f *failingEnqueue) Enqueue(ctx context.Context, production string, next uint64, msgs []notify.Message, now time.Time) error {
	if f.fail {
		f.fail = false
		return errors.New("connection reset")
	}
	return f.Store.Enqueue(ctx, production, next, msgs, now)
}

func TestFillerLosesNothingWhenAWriteFails(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ob := &failingEnqueue{Store: st}
	lg := openLedger(t, st, t.TempDir())
	p := openProduction(t, lg, "flaky")
	createProduction(t, p)
	setContacts(t, ob, "flaky", []notify.Contact{{ID: "sol", Person: "sol", Email: "sol@crew.test"}})
	filler := notify.NewFiller(st, ob, time.Now)
	if _, err := filler.FillAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	fileConcern(t, p, "c1", "high", true, t0)
	ob.fail = true
	if _, err := filler.FillAll(context.Background()); err == nil {
		t.Fatal("fill with a failing write: no error")
	}
	if _, err := filler.FillAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds, err := ob.Deliveries(context.Background(), "flaky")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Event != "escalation" || ds[0].Contact != "sol" {
		t.Fatalf("rows after the failed write was retried: %+v", ds)
	}
}
