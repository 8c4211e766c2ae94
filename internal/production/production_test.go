package production_test

import (
	"coldset/internal/production"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
	"coldset/internal/store"
	"coldset/internal/store/sqlite"
)

// testLedger is a SQLite store in a temporary directory and a signing key.
type testLedger struct {
	st     store.Store
	signer *ledger.Signer
}

func newTestLedger(t *testing.T) testLedger {
	t.Helper()
	db := filepath.Join(t.TempDir(), "coldset.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := ledger.LoadOrCreateKey(ledger.KeyPathFor(db))
	if err != nil {
		t.Fatal(err)
	}
	return testLedger{st: st, signer: s}
}

func (tl testLedger) open(t *testing.T) *production.Production {
	t.Helper()
	p, err := production.Open(context.Background(), tl.st, tl.signer, "dry-creek")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var start = time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)

func cmd(t *testing.T, do string, with map[string]any) rules.Command {
	t.Helper()
	b, err := json.Marshal(with)
	if err != nil {
		t.Fatal(err)
	}
	return rules.Command{Do: do, With: b}
}

// do runs c and fails the test unless it is accepted.
func do(t *testing.T, p *production.Production, by rules.Actor, c rules.Command, now time.Time) rules.Result {
	t.Helper()
	res, err := p.Do(context.Background(), by, c, now)
	if err != nil {
		t.Fatalf("%s: %v", c.Do, err)
	}
	if res.Outcome != "ok" {
		t.Fatalf("%s: %s by %s: %s", c.Do, res.Outcome, res.Rule, res.Message)
	}
	return res
}

// setUp creates the production with an armorer, a safety officer and a camera head.
func setUp(t *testing.T, p *production.Production) {
	t.Helper()
	system := rules.Actor{}
	do(t, p, system, cmd(t, "production.create", map[string]any{"id": "dry-creek", "name": "Dry Creek", "timezone": "America/Denver"}), start)
	for _, person := range []map[string]any{
		{"id": "ana", "name": "Ana", "roles": []string{"armorer"}, "certified_until": "2027-01-01"},
		{"id": "sol", "name": "Sol", "roles": []string{"safety_officer"}},
		{"id": "raf", "name": "Raf", "roles": []string{"camera"}, "department": "camera", "department_head": true},
	} {
		do(t, p, system, cmd(t, "person.add", person), start)
	}
}

func TestDoRecordsEveryEvent(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	before := p.Log().Size()
	do(t, p, rules.Actor{Person: "ana"}, cmd(t, "firearm.register", map[string]any{
		"id": "colt-1", "serial": "K1", "type": "revolver", "capability": "blank_fire"}), start.Add(time.Minute))
	if p.Log().Size() <= before {
		t.Errorf("log size %d after firearm.register, want more than %d", p.Log().Size(), before)
	}
	var holder string
	p.View(func(s *rules.State) { holder = s.Holder("colt-1") })
	if holder != "armory" {
		t.Errorf("holder of colt-1 = %q, want armory", holder)
	}
}

func TestRefusalIsRecorded(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	before := p.Log().Size()
	res, err := p.Do(context.Background(), rules.Actor{Person: "raf"}, cmd(t, "firearm.register", map[string]any{
		"id": "colt-1", "serial": "K1", "type": "revolver", "capability": "blank_fire"}), start)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "refused" || res.Rule != "role-required" {
		t.Errorf("camera registering a firearm: %s by %q, want refused by role-required", res.Outcome, res.Rule)
	}
	if got := p.Log().Size(); got != before+1 {
		t.Errorf("log size %d after a refusal, want %d (the refusal is evidence)", got, before+1)
	}
}

func TestDoTicksBeforeDeciding(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	res := do(t, p, rules.Actor{Person: "raf"}, cmd(t, "concern.file", map[string]any{
		"id": "glare", "category": "equipment", "severity": "high", "text": "glare"}), start)
	if want := []rules.Escalation{{Concern: "glare", Level: 1}}; !reflect.DeepEqual(res.Escalations, want) {
		t.Errorf("filing raised %v, want %v", res.Escalations, want)
	}
	// The acknowledge deadline (1 hour) passes before the acknowledgement arrives: the
	// same append records level 2, then the acknowledgement.
	res = do(t, p, rules.Actor{Person: "sol"}, cmd(t, "concern.ack", map[string]any{"concern": "glare", "note": "late"}),
		start.Add(61*time.Minute))
	if want := []rules.Escalation{{Concern: "glare", Level: 2}}; !reflect.DeepEqual(res.Escalations, want) {
		t.Errorf("late ack raised %v, want %v", res.Escalations, want)
	}
}

func TestTick(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	do(t, p, rules.Actor{Person: "raf"}, cmd(t, "concern.file", map[string]any{
		"id": "glare", "category": "equipment", "severity": "high", "text": "glare"}), start)
	deadline, ok := p.NextDeadline()
	if !ok || !deadline.Equal(start.Add(time.Hour)) {
		t.Fatalf("NextDeadline = %s %v, want %s", deadline, ok, start.Add(time.Hour))
	}
	size := p.Log().Size()
	res, err := p.Tick(context.Background(), start.Add(59*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Escalations) != 0 || p.Log().Size() != size {
		t.Errorf("tick before the deadline raised %v and grew the log to %d, want nothing", res.Escalations, p.Log().Size())
	}
	res, err = p.Tick(context.Background(), start.Add(25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []rules.Escalation{{Concern: "glare", Level: 2}, {Concern: "glare", Level: 3}}
	if !reflect.DeepEqual(res.Escalations, want) {
		t.Errorf("tick past the resolve deadline raised %v, want %v", res.Escalations, want)
	}
	res, err = p.Tick(context.Background(), start.Add(25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Escalations) != 0 {
		t.Errorf("second tick to the same time raised %v again", res.Escalations)
	}
}

func TestReopenRebuildsTheSameState(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	setUp(t, p)
	do(t, p, rules.Actor{Person: "ana"}, cmd(t, "firearm.register", map[string]any{
		"id": "colt-1", "serial": "K1", "type": "revolver", "capability": "blank_fire"}), start)
	do(t, p, rules.Actor{Person: "ana"}, cmd(t, "ammo.receive", map[string]any{
		"lot": "box-b", "kind": "dummy", "caliber": ".45 Colt", "count": 24}), start)
	do(t, p, rules.Actor{Anonymous: true, Receipt: "R1"}, cmd(t, "concern.file", map[string]any{
		"id": "c1", "category": "firearms", "severity": "critical", "text": "the box has no paperwork"}), start)
	if _, err := p.Tick(context.Background(), start.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, _ = p.Do(context.Background(), rules.Actor{Person: "raf"}, cmd(t, "hold.clear", nil), start.Add(3*time.Hour))
	before := snapshot(p)
	size := p.Log().Size()
	p.Close()

	p = tl.open(t)
	defer p.Close()
	if got := p.Log().Size(); got != size {
		t.Fatalf("reopened log has %d entries, want %d", got, size)
	}
	after := snapshot(p)
	if !reflect.DeepEqual(before.view, after.view) {
		t.Errorf("state after reopening:\n%+v\nbefore:\n%+v", after.view, before.view)
	}
	if !reflect.DeepEqual(before.state, after.state) {
		t.Errorf("rebuilt state differs from the live state:\n%#v\nbefore:\n%#v", after.state, before.state)
	}
}

// stateView is what a caller reads from a state.
type stateView struct {
	Holds        []string
	FirearmHolds []string
	Risk         rules.Risk
	Holder       string
	Deadline     time.Time
	HasDeadline  bool
}

type snap struct {
	view  stateView
	state *rules.State
}

func snapshot(p *production.Production) snap {
	var s snap
	p.View(func(st *rules.State) {
		s.state = st
		s.view = stateView{Holds: slices.Clone(st.Holds()), FirearmHolds: slices.Clone(st.FirearmHolds("colt-1")),
			Risk: st.Risk(), Holder: st.Holder("colt-1")}
		s.view.Deadline, s.view.HasDeadline = st.NextDeadline()
	})
	return s
}

// Concurrent commands are all recorded, each decided against the state the earlier
// ones left (group commit may put them in one append).
func TestConcurrentDo(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	const n = 20
	errs := make(chan error, n)
	for i := range n {
		go func() {
			res, err := p.Do(context.Background(), rules.Actor{Person: "raf"}, cmd(t, "concern.file", map[string]any{
				"id": fmt.Sprintf("c%d", i), "category": "other", "severity": "low", "text": "t"}), start)
			if err == nil && res.Outcome != "ok" {
				err = fmt.Errorf("c%d: %s by %s: %s", i, res.Outcome, res.Rule, res.Message)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// A second filing under a used id is refused: every one of the 20 is on record.
	for i := range n {
		res, err := p.Do(context.Background(), rules.Actor{Person: "raf"}, cmd(t, "concern.file", map[string]any{
			"id": fmt.Sprintf("c%d", i), "category": "other", "severity": "low", "text": "t"}), start)
		if err != nil || res.Outcome != "refused" {
			t.Errorf("refiling c%d: %v %s, want refused", i, err, res.Outcome)
		}
	}
}

// An anonymous report is recorded to the second, a named one as it came: finer timing
// of an anonymous entry could be matched against logs kept outside coldset.
func TestAnonymousEntriesKeepTheSecondOnly(t *testing.T) {
	tl := newTestLedger(t)
	p := tl.open(t)
	defer p.Close()
	setUp(t, p)
	at := start.Add(time.Minute + 123456789*time.Nanosecond)
	tests := []struct {
		name string
		by   rules.Actor
		want time.Time
	}{
		{"anonymous", rules.Actor{Anonymous: true, Receipt: "a-receipt-code-of-enough-length"}, at.Truncate(time.Second)},
		{"named", rules.Actor{Person: "ana"}, at},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := p.Log().Size()
			do(t, p, tt.by, cmd(t, "concern.file", map[string]any{"id": fmt.Sprintf("c-%d", i), "category": "fatigue", "severity": "low", "text": "long days"}), at)
			rows, err := p.Log().Entries(context.Background(), before, before+1)
			if err != nil || len(rows) != 1 {
				t.Fatalf("entry %d: %v", before, err)
			}
			e, err := ledger.DecodeEntry(rows[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			if !e.Time.Equal(tt.want) {
				t.Errorf("recorded at %s, want %s", e.Time.Format(time.RFC3339Nano), tt.want.Format(time.RFC3339Nano))
			}
		})
	}
}
