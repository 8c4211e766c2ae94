package scenario

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func replayText(t *testing.T, text string, opts Options) []StepReport {
	t.Helper()
	f, err := Parse("t.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	reports, err := Replay(context.Background(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(f.Steps) {
		t.Fatalf("%d reports for %d steps", len(reports), len(f.Steps))
	}
	return reports
}

const people = `name: test
production: {id: p1, name: P One, timezone: America/Denver}
start: 2026-03-02T06:00
people:
  - {id: ana, name: Ana, roles: [armorer], certified_until: 2027-01-01}
  - {id: sol, name: Sol, roles: [safety_officer]}
  - {id: pia, name: Pia, roles: [producer]}
steps:
`

func TestReplayFailedExpectation(t *testing.T) {
	reports := replayText(t, people+`  - at: "07:00"
    expect: {risk: red, holds: [risk-red-hold]}
`, Options{})
	r := reports[0]
	want := []Failure{{"holds", "[risk-red-hold]", "[]"}, {"risk", "red", "green"}}
	if r.OK || !reflect.DeepEqual(r.Failures, want) {
		t.Errorf("failures = %v, want %v", r.Failures, want)
	}
	if got, want := r.Describe(), "step 1 (at 2026-03-02T07:00)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got, want := r.At, "2026-03-02T07:00:00-07:00"; got != want {
		t.Errorf("At = %q, want %q", got, want)
	}
}

func TestReplayRefusalExpected(t *testing.T) {
	reports := replayText(t, people+`  - as: sol
    do: firearm.register
    with: {id: colt-1, serial: K1, type: revolver, capability: blank_fire}
    expect: {rule: role-required}
  - as: ana
    do: firearm.register
    with: {id: colt-1, serial: K1, type: revolver, capability: blank_fire}
    expect: {holder: {colt-1: armory}, firearm_holds: {colt-1: []}}
`, Options{})
	for _, r := range reports {
		if !r.OK {
			t.Errorf("%s: %v", r.Describe(), r.Failures)
		}
	}
	if got := reports[1].Describe(); got != "step 2 (do firearm.register as ana at 2026-03-02T06:00)" {
		t.Errorf("Describe = %q", got)
	}
}

// An anonymous reporter reopens with the receipt the replay gave them at filing.
func TestReplayAnonymousReceipt(t *testing.T) {
	reports := replayText(t, people+`  - at: "07:00"
    as: anonymous
    do: concern.file
    with: {id: c1, category: other, severity: low, text: anonymous}
    expect: {escalations: [{concern: c1, level: 1}]}
  - as: sol
    do: concern.dismiss
    with: {concern: c1, reason: not a safety matter}
  - at: "07:10"
    as: anonymous
    do: concern.reopen
    with: {concern: c1}
    expect: {escalations: [{concern: c1, level: 1}]}
  - as: anonymous
    do: concern.reopen
    with: {concern: c1}
    expect: {rule: invalid}
`, Options{})
	for _, r := range reports {
		if !r.OK {
			t.Errorf("%s: %v (%s %s)", r.Describe(), r.Failures, r.Rule, r.Message)
		}
	}
}

func TestReplayKeepRefusesAnUsedLedger(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kept", "coldset.db")
	replayText(t, people, Options{DB: db})
	f, err := Parse("t.yaml", []byte(people))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Replay(context.Background(), f, Options{DB: db}); !errors.Is(err, ErrLedgerExists) {
		t.Errorf("second replay into %s: %v, want ErrLedgerExists", db, err)
	}
}

// A 40-step file replays well under a second on SQLite with fsync.
func TestReplaySpeed(t *testing.T) {
	text := people
	for range 40 {
		text += "  - {at: \"+5m\", as: pia, do: hold.override, with: {reason: speed}}\n"
	}
	begin := time.Now()
	replayText(t, text, Options{})
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("40 steps took %s", d)
	}
	t.Logf("40 steps in %s", time.Since(begin))
}
