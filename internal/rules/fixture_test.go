package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// fixture is a production on a simulated clock, driven the way the server drives it:
// tick to now, decide, apply.
type fixture struct {
	t     testing.TB
	s     *State
	loc   *time.Location
	clock time.Time
	log   []Event
}

// step is one action in a test: the clock moves by after, then as does do with with.
type step struct {
	after time.Duration
	as    string
	do    string
	with  string
	// refused: a setup step that is expected to be refused (its consequences stay).
	refused bool
}

// The people of the test production (America/Denver, 2026-03-02).
const testPeople = `[
 {"id":"ana","name":"Ana Ruiz","roles":["armorer"],"department":"armory","department_head":true,"certified_until":"2027-01-01"},
 {"id":"bo","name":"Bo Vance","roles":["armorer"],"certified_until":"2026-03-01"},
 {"id":"dan","name":"Dan Cole","roles":["first_ad"],"department":"ad","department_head":true},
 {"id":"kim","name":"Kim Lee","roles":["actor"],"training":{"revolver":3,"blank_fire":4}},
 {"id":"leo","name":"Leo Hart","roles":["actor"],"training":{"revolver":1}},
 {"id":"raf","name":"Raf Ortiz","roles":["camera"],"department":"camera","department_head":true},
 {"id":"cam","name":"Cy Amar","roles":["camera"],"department":"camera"},
 {"id":"sol","name":"Sol Park","roles":["safety_officer"]},
 {"id":"pia","name":"Pia Moss","roles":["producer"]}
]`

// newFixture creates the production at 05:30 with its people, and with config when
// given (a JSON object).
func newFixture(t testing.TB, config string) *fixture {
	t.Helper()
	loc, err := time.LoadLocation("America/Denver")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: New(), loc: loc, clock: time.Date(2026, 3, 2, 5, 30, 0, 0, loc)}
	create := `{"id":"dry-creek","name":"Dry Creek","timezone":"America/Denver"`
	if config != "" {
		create += `,"config":` + config
	}
	f.must(step{do: "production.create", with: create + "}"})
	var people []json.RawMessage
	if err := json.Unmarshal([]byte(testPeople), &people); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		f.must(step{do: "person.add", with: string(p)})
	}
	return f
}

// dayFixture adds a firearm, two lots with provenance (dummies verified) and the
// morning's safety meeting, and sets the clock to 08:00.
func dayFixture(t testing.TB, config string) *fixture {
	f := newFixture(t, config)
	f.run(
		step{as: "ana", do: "firearm.register", with: `{"id":"colt-1","serial":"K12345","type":"revolver","capability":"blank_fire"}`},
		step{as: "ana", do: "firearm.register", with: `{"id":"rifle-1","serial":"R1","type":"rifle","capability":"live_fire"}`},
		step{as: "ana", do: "ammo.receive", with: `{"lot":"blanks-1","kind":"blank","caliber":".45 Colt","count":60,"supplier":"Acme","receipt":"R-88"}`},
		step{as: "ana", do: "ammo.receive", with: `{"lot":"dummies-1","kind":"dummy","caliber":".45 Colt","count":12,"supplier":"Acme","receipt":"R-89"}`},
		step{as: "ana", do: "ammo.verify", with: `{"lot":"dummies-1","method":"rattle","count":12}`},
		step{after: time.Hour, as: "dan", do: "safety_meeting.hold", with: `{"attendees":["ana","dan","kim","leo","raf","sol","bo"],"topics":["blanks"]}`},
	)
	f.to(8, 0)
	return f
}

// Steps used by many cases.
var (
	inspectDummies = step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"dummy","lot":"dummies-1","rounds":6}`}
	inspectBlanks  = step{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"blank","lot":"blanks-1","rounds":5}`}
	handToKim      = step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`}
	kimAccepts     = step{as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"dummy","rounds":6}`}
	returnColt     = step{as: "ana", do: "firearm.return", with: `{"firearm":"colt-1"}`}
	unplanned      = step{as: "kim", do: "firearm.discharge", with: `{"firearm":"colt-1","planned":false}`}
	overrideHold   = step{as: "pia", do: "hold.override", with: `{"reason":"keep shooting"}`}
)

// do ticks to the step's time, decides and applies, and returns the summary of both.
func (f *fixture) do(st step) Result {
	f.t.Helper()
	return Summarize(f.doEvents(st))
}

func (f *fixture) doEvents(st step) []Event {
	f.t.Helper()
	evs := f.advance(st.after)
	if st.do == "" {
		return evs
	}
	by := Actor{Person: st.as}
	switch st.as {
	case "anonymous":
		by = Actor{Anonymous: true, Receipt: "receipt-1"}
	case "anonymous-other":
		by = Actor{Anonymous: true, Receipt: "receipt-2"}
	}
	var with json.RawMessage
	if st.with != "" {
		with = json.RawMessage(st.with)
	}
	dec := f.s.Decide(by, Command{Do: st.do, With: with}, f.clock)
	f.apply(dec)
	return append(evs, dec...)
}

// advance moves the clock and applies what fell due.
func (f *fixture) advance(d time.Duration) []Event {
	f.t.Helper()
	f.clock = f.clock.Add(d)
	evs := f.s.Tick(f.clock)
	f.apply(evs)
	return evs
}

// to moves the clock to the next hour:min (on the next day when that has passed today).
func (f *fixture) to(hour, min int) {
	c := f.clock.In(f.loc)
	next := time.Date(c.Year(), c.Month(), c.Day(), hour, min, 0, 0, f.loc)
	if next.Before(f.clock) {
		next = next.AddDate(0, 0, 1)
	}
	f.advance(next.Sub(f.clock))
}

func (f *fixture) apply(evs []Event) {
	f.t.Helper()
	for _, e := range evs {
		if err := f.s.Apply(e); err != nil {
			f.t.Fatalf("apply %s %s: %v", e.Type, e.Data, err)
		}
	}
	f.log = append(f.log, evs...)
}

// must runs a step that has to be accepted.
func (f *fixture) must(st step) Result {
	f.t.Helper()
	res := f.do(st)
	if res.Outcome != OK {
		f.t.Fatalf("%s %s %s: refused %s (%s): %s", st.as, st.do, st.with, res.Rule, res.Field, res.Message)
	}
	return res
}

func (f *fixture) run(steps ...step) {
	f.t.Helper()
	for _, st := range steps {
		if st.refused {
			if res := f.do(st); res.Outcome != Refused {
				f.t.Fatalf("%s %s %s: accepted, want refused", st.as, st.do, st.with)
			}
			continue
		}
		f.must(st)
	}
}

// want is what a case expects of its last step; empty fields are not checked.
type want struct {
	rule      string   // "" for ok
	field     string   // with rule invalid
	flags     []string // nil: not checked; use none for "no flags"
	incidents []string
	holds     []string
	risk      string
	holder    string // of colt-1
}

var none = []string{}

func (w want) check(t *testing.T, f *fixture, res Result) {
	t.Helper()
	wantOutcome := OK
	if w.rule != "" {
		wantOutcome = Refused
	}
	if res.Outcome != wantOutcome || res.Rule != w.rule {
		t.Fatalf("got %s %q (%s: %s), want %s %q", res.Outcome, res.Rule, res.Field, res.Message, wantOutcome, w.rule)
	}
	if w.field != "" && res.Field != w.field {
		t.Errorf("field %q, want %q (%s)", res.Field, w.field, res.Message)
	}
	if res.Outcome == Refused && res.Message == "" {
		t.Errorf("refusal without a message")
	}
	if w.flags != nil && !sameSet(res.Flags, w.flags) {
		t.Errorf("flags %v, want %v", res.Flags, w.flags)
	}
	if w.incidents != nil && !sameSet(res.Incidents, w.incidents) {
		t.Errorf("incidents %v, want %v", res.Incidents, w.incidents)
	}
	if w.holds != nil && !sameSet(f.s.Holds(), w.holds) {
		t.Errorf("holds %v, want %v", f.s.Holds(), w.holds)
	}
	if w.risk != "" && f.s.Risk().Level != w.risk {
		t.Errorf("risk %v, want %s", f.s.Risk(), w.risk)
	}
	if w.holder != "" && f.s.Holder("colt-1") != w.holder {
		t.Errorf("holder %s, want %s", f.s.Holder("colt-1"), w.holder)
	}
}

// ruleCase is a table row: steps that must be accepted, then the step under test.
type ruleCase struct {
	name   string
	config string
	setup  []step
	step   step
	want   want
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := dayFixture(t, tc.config)
			f.run(tc.setup...)
			tc.want.check(t, f, f.do(tc.step))
		})
	}
}

func escStrings(es []Escalation) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s/%d", e.Concern, e.Level))
	}
	return out
}

// sameSet compares two lists as sets of strings, as scenario expectations do.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
