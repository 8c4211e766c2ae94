package witness_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"coldset/internal/rules"
	"coldset/internal/witness"
)

// A production's checkpoints go to witnesses at most once a minute, and at once after a
// hold or a serious incident.
func TestFeederBatches(t *testing.T) {
	const production = "film-batch"
	lg, _ := openLedger(t, newSigner(t))
	rw := newRecordingWitness(t, "union.test")
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	now := start
	f := &witness.Feeder{Ledger: lg, Store: &mapStore{}, Witnesses: []witness.Witness{rw.Witness},
		Now: func() time.Time { return now }}

	type appendOf struct {
		typ     string
		payload any
	}
	plain := appendOf{"meeting.hold", map[string]string{"note": "briefing"}}
	steps := []struct {
		name  string
		after time.Duration // since start
		add   []appendOf
		want  []string // sizes sent in this step
	}{
		{"first checkpoint goes at once", 0, []appendOf{plain}, []string{"1"}},
		{"new entry 10s later waits", 10 * time.Second, []appendOf{plain}, nil},
		{"still waiting at 59s", 59 * time.Second, []appendOf{plain}, nil},
		{"a minute after the last send, the latest goes", time.Minute, nil, []string{"3"}},
		{"nothing new, nothing sent", 3 * time.Minute, nil, nil},
		{"entry after a quiet spell goes at once", 4 * time.Minute, []appendOf{plain}, []string{"4"}},
		{"hold placed 5s later goes at once", 4*time.Minute + 5*time.Second,
			[]appendOf{{rules.EventHoldPlace, map[string]string{"hold": "no-live-ammo"}}}, []string{"5"}},
		{"minor incident waits", 4*time.Minute + 10*time.Second,
			[]appendOf{{rules.EventIncidentOpen, map[string]any{"id": "i1", "kind": "near-miss", "serious": false}}}, nil},
		{"serious incident goes at once, with what waited", 4*time.Minute + 15*time.Second,
			[]appendOf{{rules.EventIncidentOpen, map[string]any{"id": "i2", "kind": "live-round", "serious": true}}}, []string{"7"}},
		{"hold seen while waiting still goes at once", 4*time.Minute + 20*time.Second,
			[]appendOf{{rules.EventHoldPlace, map[string]string{"hold": "risk-red-hold"}}, plain}, []string{"9"}},
		{"plain entries after it wait again", 4*time.Minute + 30*time.Second, []appendOf{plain}, nil},
		{"and go a minute after the hold's send", 5*time.Minute + 20*time.Second, nil, []string{"10"}},
	}
	for _, s := range steps {
		now = start.Add(s.after)
		for _, a := range s.add {
			appendEntries(t, lg, production, a.typ, a.payload)
		}
		if err := f.Step(context.Background()); err != nil {
			t.Fatalf("%s: Step: %v", s.name, err)
		}
		if got := rw.sends(); !slices.Equal(got, s.want) {
			t.Errorf("%s: sent sizes %v, want %v", s.name, got, s.want)
		}
	}
}

// A witness that stops answering does not hold back the others, and gets the latest
// checkpoint at the next send, still at most once a minute.
func TestFeederRetriesFailedWitnessPerInterval(t *testing.T) {
	const production = "film-retry"
	lg, _ := openLedger(t, newSigner(t))
	up, down := newRecordingWitness(t, "union.test"), newRecordingWitness(t, "insurer.test")
	broken := down.Witness
	broken.URL = "http://127.0.0.1:1" // nothing listens there
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	store := &mapStore{}
	f := &witness.Feeder{Ledger: lg, Store: store, Witnesses: []witness.Witness{broken, up.Witness},
		Now: func() time.Time { return now }}

	appendN(t, lg, production, "call", 2)
	if err := f.Step(context.Background()); err == nil {
		t.Fatal("Step with an unreachable witness: no error")
	}
	if got := up.sends(); !slices.Equal(got, []string{"2"}) {
		t.Fatalf("the reachable witness got %v, want [2]", got)
	}
	now = now.Add(30 * time.Second)
	if err := f.Step(context.Background()); err != nil {
		t.Fatalf("Step before the interval: %v (want no attempt)", err)
	}
	now = now.Add(30 * time.Second)
	f.Witnesses[0] = down.Witness // back up
	if err := f.Step(context.Background()); err != nil {
		t.Fatalf("Step after the interval: %v", err)
	}
	if got := down.sends(); !slices.Equal(got, []string{"2"}) {
		t.Errorf("the recovered witness got %v, want [2]", got)
	}
	if got := up.sends(); len(got) != 0 {
		t.Errorf("the witness that already cosigned size 2 got %v again", got)
	}
	cs, _ := store.LatestCosignatures(context.Background(), production)
	if len(cs) != 2 || cs[0].Size != 2 || cs[1].Size != 2 {
		t.Errorf("kept cosignatures %+v, want both witnesses at size 2", cs)
	}
}
