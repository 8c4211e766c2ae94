package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
)

// busyDay plays a day with most actions, refusals and deadlines on the fixture.
func busyDay(f *fixture) {
	f.run(inspectDummies, handToKim, kimAccepts,
		step{as: "dan", do: "break.start", with: `{"kind":"meal"}`},
		returnColt, inspectBlanks,
		step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"camera","protections":["shields","remote_monitor"]}`},
		step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"colt-1","scene":"12"}`},
		handToKim,
		step{as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"blank","rounds":4}`, refused: true},
		fileConcern("cam", "c1", "firearms", "critical"),
		fileConcern("anonymous", "c2", "conduct", "low"),
		step{after: time.Hour},
		step{as: "sol", do: "concern.dismiss", with: `{"concern":"c2","reason":"no"}`},
		step{as: "anonymous", do: "concern.reopen", with: `{"concern":"c2"}`},
		step{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"unsafe","safety":true}`},
		overrideHold,
		step{as: "ana", do: "ammo.expend", with: `{"lot":"blanks-1","count":5}`},
		step{as: "ana", do: "ammo.reconcile", with: `{"lot":"blanks-1","counted":50}`},
		step{as: "dan", do: "break.start", with: `{"kind":"wrap"}`},
		step{as: "kim", do: "firearm.discharge", with: `{"firearm":"colt-1","planned":false,"injuries":1}`},
		step{after: 3 * 24 * time.Hour},
	)
}

func TestRebuildFromEventsGivesTheSameState(t *testing.T) {
	f := dayFixture(t, "")
	busyDay(f)
	// Events travel through the ledger as JSON.
	raw, err := json.Marshal(f.log)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	if err := json.Unmarshal(raw, &evs); err != nil {
		t.Fatal(err)
	}
	s := New()
	for i, e := range evs {
		if err := s.Apply(e); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if !reflect.DeepEqual(s, f.s) {
		t.Errorf("rebuilt state differs: holds %v / %v, risk %v / %v", s.Holds(), f.s.Holds(), s.Risk(), f.s.Risk())
	}
}

// TestFoldKeepsOldEntriesReadable folds entries that a server without today's bounds
// could have recorded, straight into the state as a restart reads them: the overview
// still encodes as JSON, and the sums stay finite and unwrapped.
func TestFoldKeepsOldEntriesReadable(t *testing.T) {
	at := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	ev := func(typ, actor, data string) Event {
		return Event{Type: typ, Time: at, Actor: actor, Data: json.RawMessage(data)}
	}
	const huge = "1.7976931348623157e308"
	cases := []struct {
		name  string
		evs   []Event
		check func(t *testing.T, o Overview)
	}{
		{"two training records of the largest float",
			[]Event{
				ev("training.record", "ana", `{"person":"kim","type":"revolver","hours":`+huge+`}`),
				ev("training.record", "ana", `{"person":"kim","type":"revolver","hours":`+huge+`}`),
			},
			func(t *testing.T, o Overview) {
				if h := trainingOf(o, "kim", "revolver"); math.IsInf(h, 0) || math.IsNaN(h) || h <= 1000 {
					t.Errorf("kim's revolver training %g, want a large finite number", h)
				}
			}},
		{"a person added with the largest float, then trained more",
			[]Event{
				ev("person.add", "", `{"id":"zed","name":"Zed","roles":["actor"],"training":{"rifle":`+huge+`}}`),
				ev("training.record", "ana", `{"person":"zed","type":"rifle","hours":`+huge+`}`),
			},
			func(t *testing.T, o Overview) {
				if h := trainingOf(o, "zed", "rifle"); math.IsInf(h, 0) || math.IsNaN(h) {
					t.Errorf("zed's rifle training %g, want finite", h)
				}
			}},
		{"negative training hours",
			[]Event{ev("training.record", "ana", `{"person":"kim","type":"pistol","hours":-5}`)},
			func(t *testing.T, o Overview) {
				if h := trainingOf(o, "kim", "pistol"); h < 0 {
					t.Errorf("kim's pistol training %g, want none below 0", h)
				}
			}},
		{"round counts that would wrap an int",
			[]Event{
				ev("ammo.receive", "ana", `{"lot":"big","kind":"blank","caliber":"9mm","count":9223372036854775807,"supplier":"A","receipt":"R"}`),
				ev("ammo.expend", "ana", `{"lot":"big","count":9223372036854775807}`),
				ev("ammo.expend", "ana", `{"lot":"big","count":9223372036854775807}`),
				ev("ammo.dispose", "ana", `{"lot":"big","count":-9223372036854775808}`),
			},
			func(t *testing.T, o Overview) {
				for _, l := range o.Lots {
					if l.ID == "big" && (l.Received < 0 || l.Expended < 0 || l.Disposed < 0 || l.OnHand != l.Received-l.Expended-l.Disposed) {
						t.Errorf("lot big: %+v, want counts that did not wrap", l)
					}
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := dayFixture(t, "")
			for _, e := range tc.evs {
				if err := f.s.Apply(e); err != nil {
					t.Fatalf("apply %s: %v", e.Type, err)
				}
			}
			o := f.s.Overview()
			if _, err := json.Marshal(o); err != nil {
				t.Fatalf("overview does not encode: %v", err)
			}
			tc.check(t, o)
		})
	}
}

func trainingOf(o Overview, person, typ string) float64 {
	for _, p := range o.People {
		if p.ID == person {
			return p.Training[typ]
		}
	}
	return 0
}

func TestDecideAndTickDoNotModifyTheState(t *testing.T) {
	f := dayFixture(t, "")
	busyDay(f)
	before := New()
	for _, e := range f.log {
		if err := before.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ as, do, with string }{
		{"ana", "firearm.inspect", `{"firearm":"colt-1","load":"dummy","lot":"dummies-1","rounds":6}`},
		{"kim", "firearm.accept", `{"firearm":"colt-1","load_seen":"blank","rounds":1}`},
		{"dan", "break.start", `{"kind":"wrap"}`},
		{"sol", "incident.close", `{"incident":"unplanned-discharge-1","findings":"f","actions":"a"}`},
		{"pia", "hold.override", `{"reason":"r"}`},
		{"cam", "round.found", `{"kind":"live","where":"x","lot":"dummies-1"}`},
		{"sol", "person.roles", `{"person":"ana","roles":["armorer","crew"]}`},
		{"ana", "training.record", `{"person":"leo","type":"revolver","hours":9}`},
	} {
		f.s.Decide(Actor{Person: c.as}, Command{Do: c.do, With: json.RawMessage(c.with)}, f.clock)
	}
	f.s.Tick(f.clock.Add(30 * 24 * time.Hour))
	f.s.NextDeadline()
	f.s.Risk()
	if !reflect.DeepEqual(before, f.s) {
		t.Error("Decide or Tick changed the state")
	}
}

// FuzzDecide feeds arbitrary actions to a production in the middle of a day: every
// command is either accepted or refused with a rule and a message, never a panic, and
// every event it returns is valid JSON that Apply takes.
func FuzzDecide(f *testing.F) {
	fx := dayFixture(f, "")
	fx.run(inspectDummies)
	base := fx.log
	clock := fx.clock
	for _, seed := range []struct{ do, with string }{
		{"firearm.handoff", `{"firearm":"colt-1","to":"kim"}`},
		{"firearm.inspect", `{"firearm":"colt-1","load":"blank","lot":"blanks-1","rounds":5}`},
		{"concern.file", `{"id":"c1","category":"firearms","severity":"critical","text":"x"}`},
		{"scene.plan", `{"scene":12,"firearms":["colt-1"],"toward":"camera","protections":["min_distance"],"distance_ft":25}`},
		{"production.create", `{"id":"x","name":"y","timezone":"UTC","config":{"training_hours":{"any":3}}}`},
		{"person.add", `{"id":"x","name":"X","roles":["armorer","crew"],"training":{"rifle":1e308}}`},
		{"ammo.receive", `{"lot":"l","kind":"blank","caliber":0.45,"count":99999999999}`},
		{"hold.clear", `null`},
		{"nothing", `]`},
	} {
		f.Add(seed.do, []byte(seed.with), byte(0))
	}
	actors := []Actor{{Person: "ana"}, {Person: "kim"}, {Person: "sol"}, {Person: "pia"}, {Person: "dan"}, {Anonymous: true, Receipt: "r"}, {}}
	f.Fuzz(func(t *testing.T, do string, with []byte, who byte) {
		s := New()
		for _, e := range base {
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		evs := s.Decide(actors[int(who)%len(actors)], Command{Do: do, With: with}, clock)
		if len(evs) == 0 {
			t.Fatal("no events")
		}
		res := Summarize(evs)
		if res.Outcome == Refused && (res.Rule == "" || res.Message == "" || evs[0].Type != EventRefused) {
			t.Fatalf("refusal without rule or message: %+v", res)
		}
		for i, e := range evs {
			if !json.Valid(e.Data) {
				t.Fatalf("event %d %s: invalid JSON %q", i, e.Type, e.Data)
			}
			if i > 0 && e.Type == EventRefused {
				t.Fatalf("a second refused event")
			}
			if err := s.Apply(e); err != nil {
				t.Fatalf("apply %s: %v", e.Type, err)
			}
		}
	})
}

// FuzzApplyStoredEvent folds an arbitrary payload of every event type into a production
// in the middle of a day, as a ledger written by an older or faulty server could hold
// it: Apply may refuse it with an error, but never panics, and the overview, its risk
// and the next deadline still read, the overview as JSON.
func FuzzApplyStoredEvent(f *testing.F) {
	fx := dayFixture(f, "")
	fx.run(inspectDummies, handToKim)
	base, clock := fx.log, fx.clock
	types := sortedKeys(appliers)
	for _, seed := range []struct{ typ, data string }{
		{"training.record", `{"person":"kim","type":"revolver","hours":1.7976931348623157e308}`},
		{"ammo.expend", `{"lot":"blanks-1","count":9223372036854775807}`},
		{EventFlag, `{"flag":-1,"rule":"walkoff","subject":"x","firearm_flag":true,"expires":"2026-03-09T15:00:00Z"}`},
		{EventFlagLift, `{"flag":1,"rule":"x","firearm_flag":true}`},
		{EventIncidentOpen, `{"id":"i","kind":"live-round","serious":true}`},
		{"incident.close", `{"incident":"i"}`},
		{EventEscalation, `{"concern":"c","level":9}`},
		{EventHoldPlace, `{"hold":"risk-red-hold","reasons":["r"],"firearm":"colt-1"}`},
		{"firearm.accept", `{"firearm":"colt-1","load_seen":"dummy","rounds":-6}`},
	} {
		f.Add(uint8(slices.Index(types, seed.typ)), []byte(seed.data), "ana")
	}
	f.Fuzz(func(t *testing.T, typ uint8, data []byte, actor string) {
		s := New()
		for _, e := range base {
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		_ = s.Apply(Event{Type: types[int(typ)%len(types)], Time: clock, Actor: actor, Data: data})
		if _, err := json.Marshal(s.Overview()); err != nil {
			t.Fatalf("overview does not encode: %v", err)
		}
		s.OpenOverview()
		s.NextDeadline()
		s.Tick(clock.Add(30 * 24 * time.Hour))
	})
}

// realisticEvents plays production days through Decide and Tick until at least n
// events: inspections, hand-overs, calls, discharges, ammunition, concerns, breaks.
func realisticEvents(tb testing.TB, n int) []Event {
	f := newFixture(tb, "")
	f.must(step{as: "sol", do: "certification.record", with: `{"person":"ana","kind":"armorer","until":"2199-12-31"}`})
	guns := []string{"colt-1", "colt-2", "colt-3", "colt-4"}
	for _, g := range guns {
		f.must(step{as: "ana", do: "firearm.register", with: `{"id":"` + g + `","serial":"S","type":"revolver","capability":"blank_fire"}`})
	}
	f.must(step{as: "dan", do: "scene.plan", with: `{"scene":"1","firearms":["colt-1","colt-2","colt-3","colt-4"],"toward":"camera","protections":["shields","remote_monitor"]}`})
	f.to(6, 0)
	for day := 1; len(f.log) < n; day++ {
		lot := fmt.Sprintf("blanks-%d", day)
		f.run(step{as: "ana", do: "ammo.receive", with: `{"lot":"` + lot + `","kind":"blank","caliber":".45 Colt","count":100,"supplier":"Acme","receipt":"R"}`},
			step{after: 30 * time.Minute, as: "dan", do: "safety_meeting.hold", with: `{"attendees":["ana","dan","kim","raf","sol"]}`})
		used := 0
		for i, g := range guns {
			fw := `{"firearm":"` + g + `"`
			f.run(step{after: time.Hour, as: "ana", do: "firearm.inspect", with: fw + `,"load":"blank","lot":"` + lot + `","rounds":5}`},
				step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"` + g + `","scene":"1"}`},
				step{after: time.Minute, as: "ana", do: "firearm.handoff", with: fw + `,"to":"kim"}`},
				step{as: "kim", do: "firearm.accept", with: fw + `,"load_seen":"blank","rounds":5}`},
				step{after: 5 * time.Minute, as: "kim", do: "firearm.discharge", with: fw + `,"planned":true}`},
				step{after: time.Minute, as: "ana", do: "firearm.return", with: fw + `}`},
				step{as: "ana", do: "firearm.inspect", with: fw + `,"load":"empty"}`},
				step{as: "ana", do: "set.call", with: `{"call":"cold","firearm":"` + g + `","scene":"1"}`})
			f.do(step{as: "leo", do: "firearm.accept", with: fw + `,"load_seen":"empty"}`}) // refused: nothing handed to leo
			used += 5
			if i == 1 {
				f.run(step{as: "dan", do: "break.start", with: `{"kind":"meal"}`})
			}
		}
		id := fmt.Sprintf("c-%d", day)
		f.run(fileConcern("cam", id, "equipment", "high"),
			step{after: 30 * time.Minute, as: "raf", do: "concern.ack", with: `{"concern":"` + id + `"}`},
			step{as: "sol", do: "concern.resolve", with: `{"concern":"` + id + `","action":"fixed"}`},
			step{as: "ana", do: "ammo.expend", with: fmt.Sprintf(`{"lot":"%s","count":%d}`, lot, used)},
			step{as: "ana", do: "ammo.reconcile", with: fmt.Sprintf(`{"lot":"%s","counted":%d}`, lot, 100-used)},
			step{as: "dan", do: "break.start", with: `{"kind":"wrap"}`})
		if day%7 == 0 {
			f.run(fileConcern("anonymous", "a-"+id, "fatigue", "low"),
				step{as: "sol", do: "concern.resolve", with: `{"concern":"a-` + id + `","action":"rest days added"}`})
		}
		f.to(5, 30)
	}
	return f.log
}

// BenchmarkRebuild folds a production of 1,000,000 events into a fresh State, as a
// server does when it opens a production.
func BenchmarkRebuild(b *testing.B) {
	evs := realisticEvents(b, benchEvents)
	b.ResetTimer()
	for b.Loop() {
		s := New()
		for _, e := range evs {
			if err := s.Apply(e); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(evs)), "events/op")
}

var benchEvents = envInt("COLDSET_BENCH_EVENTS", 1_000_000)

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err != nil || n <= 0 {
		return def
	}
	return n
}
