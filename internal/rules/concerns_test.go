package rules

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func fileConcern(as, id, category, severity string) step {
	return step{as: as, do: "concern.file", with: `{"id":"` + id + `","category":"` + category + `","severity":"` + severity + `","text":"something is wrong"}`}
}

func TestEscalationAtDeadlines(t *testing.T) {
	cases := []struct {
		name     string
		severity string
		at       time.Duration // after filing, ticking straight there
		want     []string      // escalations raised by that tick
	}{
		{"critical level 2: not a second early", "critical", 15*time.Minute - time.Second, nil},
		{"critical level 2: at the deadline itself", "critical", 15 * time.Minute, []string{"c1/2"}},
		{"critical level 3: a minute early", "critical", 2*time.Hour - time.Minute, []string{"c1/2"}},
		{"critical level 3: at the deadline itself", "critical", 2 * time.Hour, []string{"c1/2", "c1/3"}},
		{"critical level 4: at twice the resolve time", "critical", 4 * time.Hour, []string{"c1/2", "c1/3", "c1/4"}},
		{"high level 2: a minute early", "high", 59 * time.Minute, nil},
		{"high level 2: at one hour", "high", time.Hour, []string{"c1/2"}},
		{"high level 3: at 24 hours", "high", 24 * time.Hour, []string{"c1/2", "c1/3"}},
		{"high level 4: a minute before 48 hours", "high", 48*time.Hour - time.Minute, []string{"c1/2", "c1/3"}},
		{"high level 4: at 48 hours", "high", 48 * time.Hour, []string{"c1/2", "c1/3", "c1/4"}},
		{"low level 2: at 24 hours", "low", 24 * time.Hour, []string{"c1/2"}},
		{"low level 3: at 7 days", "low", 7 * 24 * time.Hour, []string{"c1/2", "c1/3"}},
		{"low level 4: at 14 days", "low", 14 * 24 * time.Hour, []string{"c1/2", "c1/3", "c1/4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := dayFixture(t, "")
			f.must(fileConcern("cam", "c1", "equipment", tc.severity))
			evs := f.advance(tc.at)
			got := escStrings(Summarize(evs).Escalations)
			if !sameSet(got, tc.want) {
				t.Errorf("escalations %v, want %v", got, tc.want)
			}
			for _, e := range evs {
				if e.Type == EventEscalation && e.Time.After(f.clock) {
					t.Errorf("escalation stamped %v after the tick %v", e.Time, f.clock)
				}
			}
		})
	}
}

func TestEscalationStampsAndNextDeadline(t *testing.T) {
	f := dayFixture(t, "")
	filed := f.clock
	f.must(fileConcern("cam", "c1", "equipment", "high"))
	next, ok := f.s.NextDeadline()
	if !ok || !next.Equal(filed.Add(time.Hour)) {
		t.Fatalf("next deadline %v %v, want %v", next, ok, filed.Add(time.Hour))
	}
	evs := f.advance(3 * 24 * time.Hour)
	var stamps []time.Time
	for _, e := range evs {
		if e.Type == EventEscalation {
			stamps = append(stamps, e.Time)
		}
	}
	want := []time.Time{filed.Add(time.Hour), filed.Add(24 * time.Hour), filed.Add(48 * time.Hour)}
	if len(stamps) != len(want) {
		t.Fatalf("escalations at %v, want %v", stamps, want)
	}
	for i := range want {
		if !stamps[i].Equal(want[i]) {
			t.Errorf("escalation %d at %v, want %v", i+2, stamps[i], want[i])
		}
	}
	if _, ok := f.s.NextDeadline(); ok {
		t.Error("a deadline is left after level 4")
	}
}

func TestConcernLifecycle(t *testing.T) {
	file := fileConcern("cam", "c1", "equipment", "high")
	ack := step{as: "raf", do: "concern.ack", with: `{"concern":"c1","note":"on it"}`}
	resolve := step{as: "sol", do: "concern.resolve", with: `{"concern":"c1","action":"shield replaced"}`}
	dismiss := step{as: "pia", do: "concern.dismiss", with: `{"concern":"c1","reason":"not a safety matter"}`}
	runCases(t, []ruleCase{
		{name: "acknowledged in time: no level 2", setup: []step{file, ack},
			step: step{after: 23 * time.Hour}, want: want{}},
		{name: "acknowledged in time: level 3 on the resolve clock", setup: []step{file, ack},
			step: step{after: 24 * time.Hour}, want: want{risk: Red, holds: []string{RiskRedHold}}},
		{name: "acknowledged late: still level 3", setup: []step{file, {after: 2 * time.Hour}, ack},
			step: step{after: 22 * time.Hour}, want: want{risk: Red}},
		{name: "resolved: no more escalation", setup: []step{file, resolve},
			step: step{after: 72 * time.Hour}, want: want{risk: Green}},
		{name: "resolve refused: no action",
			setup: []step{file}, step: step{as: "sol", do: "concern.resolve", with: `{"concern":"c1"}`},
			want: want{rule: ConcernResolvedWithAction}},
		{name: "resolve refused: an empty action",
			setup: []step{file}, step: step{as: "sol", do: "concern.resolve", with: `{"concern":"c1","action":"  "}`},
			want: want{rule: ConcernResolvedWithAction}},
		{name: "resolve accepted with an action", setup: []step{file}, step: resolve, want: want{flags: none}},
		{name: "dismissed: flagged", setup: []step{file}, step: dismiss, want: want{flags: []string{ConcernDismissed}, risk: Amber}},
		{name: "dismissed flag ends 7 days later", setup: []step{file, dismiss},
			step: step{after: 7 * 24 * time.Hour}, want: want{risk: Green}},
		{name: "dismissed flag still active a minute before 7 days", setup: []step{file, dismiss},
			step: step{after: 7*24*time.Hour - time.Minute}, want: want{risk: Amber}},
		{name: "acknowledged by the reporter's department head", setup: []step{file}, step: ack},
		{name: "acknowledged by another department's head: role-required", setup: []step{file},
			step: step{as: "dan", do: "concern.ack", with: `{"concern":"c1"}`}, want: want{rule: RoleRequired}},
		{name: "acknowledged twice: invalid", setup: []step{file, ack}, step: ack, want: want{rule: Invalid, field: "with.concern"}},
		{name: "resolving a dismissed concern: invalid", setup: []step{file, dismiss}, step: resolve, want: want{rule: Invalid, field: "with.concern"}},
		{name: "critical firearms concern: production hold", step: fileConcern("cam", "c1", "firearms", "critical"),
			want: want{holds: []string{CriticalConcern}, risk: Amber}},
		{name: "critical equipment concern: no hold", step: fileConcern("cam", "c1", "equipment", "critical"),
			want: want{holds: none, risk: Amber}},
		{name: "critical firearms concern: handoff refused", setup: []step{fileConcern("cam", "c1", "firearms", "critical"), inspectDummies},
			step: handToKim, want: want{rule: CriticalConcern}},
		{name: "critical firearms concern: acknowledgement lifts the hold", setup: []step{fileConcern("cam", "c1", "firearms", "critical")},
			step: ack, want: want{holds: none}},
		{name: "reopened by its reporter: level 1 again", setup: []step{file, resolve},
			step: step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, want: want{}},
		{name: "reopened by someone else: role-required", setup: []step{file, resolve},
			step: step{as: "raf", do: "concern.reopen", with: `{"concern":"c1"}`}, want: want{rule: RoleRequired}},
		{name: "reopened while open: invalid", setup: []step{file},
			step: step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, want: want{rule: Invalid, field: "with.concern"}},
		{name: "reopened a second time: invalid", setup: []step{file, resolve, {as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, resolve},
			step: step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, want: want{rule: Invalid, field: "with.concern"}},
		{name: "reopened critical firearms concern: the hold again",
			setup: []step{fileConcern("cam", "c1", "firearms", "critical"), resolve},
			step:  step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, want: want{holds: []string{CriticalConcern}}},
		{name: "safety walk-off: flagged, red, hold",
			step: step{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"unsafe","safety":true}`},
			want: want{flags: []string{Walkoff}, risk: Red, holds: []string{RiskRedHold}}},
		{name: "walk-off over pay: not flagged",
			step: step{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"pay","safety":false}`},
			want: want{flags: none, risk: Green}},
		{name: "safety walk-off no longer red after 7 days",
			setup: []step{{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"unsafe","safety":true}`}},
			step:  step{after: 7 * 24 * time.Hour}, want: want{risk: Green, holds: []string{RiskRedHold}}},
	})
}

func TestReopenRestartsTheClock(t *testing.T) {
	f := dayFixture(t, "")
	f.run(fileConcern("cam", "c1", "equipment", "high"), step{after: 2 * time.Hour, as: "sol", do: "concern.dismiss", with: `{"concern":"c1","reason":"no"}`})
	res := f.must(step{after: 30 * time.Minute, as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`})
	if got := escStrings(res.Escalations); !sameSet(got, []string{"c1/1"}) {
		t.Fatalf("reopen escalations %v, want c1/1", got)
	}
	if got := escStrings(Summarize(f.advance(59 * time.Minute)).Escalations); len(got) != 0 {
		t.Errorf("escalated before the new deadline: %v", got)
	}
	if got := escStrings(Summarize(f.advance(time.Minute)).Escalations); !sameSet(got, []string{"c1/2"}) {
		t.Errorf("escalations at the new deadline %v, want c1/2", got)
	}
}

func TestLevelOneRecipients(t *testing.T) {
	f := dayFixture(t, "")
	named := f.doEvents(fileConcern("cam", "c1", "equipment", "low"))
	anon := f.doEvents(fileConcern("anonymous", "c2", "conduct", "low"))
	for _, tc := range []struct {
		name string
		evs  []Event
		want []string
	}{
		{"named reporter: safety officers and the reporter's department head", named, []string{"sol", "raf"}},
		{"anonymous reporter: the safety officer alone", anon, []string{"sol"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got EscalationData
			for _, e := range tc.evs {
				if e.Type == EventEscalation {
					if err := json.Unmarshal(e.Data, &got); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got.Level != 1 || !sameSet(got.People, tc.want) {
				t.Errorf("level %d to %v, want level 1 to %v", got.Level, got.People, tc.want)
			}
		})
	}
}

func TestAnonymousReporting(t *testing.T) {
	f := dayFixture(t, "")
	evs := f.doEvents(fileConcern("anonymous", "c1", "firearms", "high"))
	for _, e := range evs {
		if e.Actor != "" {
			t.Errorf("%s event names actor %q", e.Type, e.Actor)
		}
		if strings.Contains(string(e.Data), "receipt-1") {
			t.Errorf("%s event holds the receipt code: %s", e.Type, e.Data)
		}
	}
	if !strings.Contains(string(evs[0].Data), receiptHash("receipt-1")) {
		t.Errorf("concern.file does not keep the receipt's hash: %s", evs[0].Data)
	}
	f.must(step{as: "sol", do: "concern.dismiss", with: `{"concern":"c1","reason":"no"}`})
	runSteps := []struct {
		name string
		st   step
		want want
	}{
		{"reopened with another receipt: role-required", step{as: "anonymous-other", do: "concern.reopen", with: `{"concern":"c1"}`}, want{rule: RoleRequired}},
		{"reopened by a named person: role-required", step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`}, want{rule: RoleRequired}},
		{"reopened by its anonymous reporter", step{as: "anonymous", do: "concern.reopen", with: `{"concern":"c1"}`}, want{}},
		{"an anonymous reporter may do nothing else", step{as: "anonymous", do: "incident.report", with: `{"id":"i1","kind":"other","text":"x"}`}, want{rule: RoleRequired}},
	}
	for _, tc := range runSteps {
		t.Run(tc.name, func(t *testing.T) {
			evs := f.doEvents(tc.st)
			tc.want.check(t, f, Summarize(evs))
			for _, e := range evs {
				if strings.HasPrefix(tc.st.as, "anonymous") && e.Actor != "" || strings.Contains(string(e.Data), "receipt-") {
					t.Errorf("%s event identifies the reporter: actor %q data %s", e.Type, e.Actor, e.Data)
				}
			}
		})
	}
	if got := escStrings(Summarize(f.advance(time.Hour)).Escalations); !sameSet(got, []string{"c1/2"}) {
		t.Errorf("the reopened anonymous concern escalates %v, want c1/2", got)
	}
	if r := Summarize(f.s.Decide(Actor{Anonymous: true}, Command{Do: "concern.file", With: json.RawMessage(`{"id":"c9","category":"other","severity":"low","text":"x"}`)}, f.clock)); r.Rule != Invalid {
		t.Errorf("anonymous concern without a receipt: %s %s, want invalid", r.Outcome, r.Rule)
	}
}
