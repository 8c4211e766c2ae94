package rules

import (
	"slices"
	"testing"
	"time"
)

func TestRiskRedHold(t *testing.T) {
	clear := step{as: "sol", do: "hold.clear"}
	noReceipt := func(lot string) step {
		return step{as: "ana", do: "ammo.receive", with: `{"lot":"` + lot + `","kind":"blank","caliber":".45 Colt","count":10}`}
	}
	provenance := func(lot string) step {
		return step{as: "ana", do: "ammo.provenance", with: `{"lot":"` + lot + `","supplier":"Acme","receipt":"R"}`}
	}
	threeFlags := []step{noReceipt("b1"), noReceipt("b2"), noReceipt("b3")}
	closeUD := step{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-1","findings":"f","actions":"a"}`}
	runCases(t, []ruleCase{
		{name: "two firearm flags: amber, no hold", setup: threeFlags[:2],
			step: step{}, want: want{risk: Amber, holds: none}},
		{name: "three firearm flags: red and the hold placed", setup: threeFlags[:2],
			step: threeFlags[2], want: want{flags: []string{KnownSupplier}, risk: Red, holds: []string{RiskRedHold}}},
		{name: "hold.clear refused while red", setup: threeFlags,
			step: clear, want: want{rule: RiskRedHold, holds: []string{RiskRedHold}}},
		{name: "hold.clear refused while red, even with no hold placed", setup: append(threeFlags, overrideHold),
			step: clear, want: want{rule: RiskRedHold, holds: none}},
		{name: "hold.clear lifts the hold once no longer red", setup: append(threeFlags, provenance("b1")),
			step: clear, want: want{holds: none, risk: Amber}},
		{name: "the hold stays placed after the level drops", setup: threeFlags,
			step: provenance("b1"), want: want{holds: []string{RiskRedHold}, risk: Amber}},
		{name: "hold.clear with no hold and not red: accepted",
			step: clear, want: want{holds: none}},
		{name: "hold.clear by a producer: role-required", setup: threeFlags,
			step: step{as: "pia", do: "hold.clear"}, want: want{rule: RoleRequired}},
		{name: "override lifts the hold while red, flagged", setup: threeFlags,
			step: overrideHold, want: want{flags: []string{Override}, holds: none, risk: Red}},
		{name: "override by the safety officer: role-required", setup: threeFlags,
			step: step{as: "sol", do: "hold.override", with: `{"reason":"x"}`}, want: want{rule: RoleRequired}},
		{name: "override without a reason: invalid", setup: threeFlags,
			step: step{as: "pia", do: "hold.override"}, want: want{rule: Invalid, field: "with.reason"}},
		{name: "override with no hold placed: invalid",
			step: overrideHold, want: want{rule: Invalid}},
		{name: "override covers the reasons present: a fourth flag places nothing", setup: append(threeFlags, overrideHold),
			step: noReceipt("b4"), want: want{flags: []string{KnownSupplier}, holds: none, risk: Red}},
		{name: "override covers the reasons present: a new serious incident places the hold again", setup: append(threeFlags, overrideHold),
			step: unplanned, want: want{holds: []string{DischargeStopsWork, RiskRedHold}}},
		{name: "override covers the reasons present: a walk-off places the hold again", setup: append(threeFlags, overrideHold),
			step: step{as: "raf", do: "crew.walkoff", with: `{"people":["cam"],"reason":"unsafe","safety":true}`},
			want: want{holds: []string{RiskRedHold}}},
		{name: "three flags again after dropping to two: a new reason", setup: append(threeFlags, overrideHold, provenance("b1")),
			step: noReceipt("b4"), want: want{holds: []string{RiskRedHold}, risk: Red}},
		{name: "after the incident is closed, a second discharge places the hold again", setup: []step{unplanned, overrideHold, closeUD},
			step: unplanned, want: want{holds: []string{DischargeStopsWork, RiskRedHold}}},
		{name: "the hold refuses a handoff", setup: append(threeFlags, inspectDummies),
			step: handToKim, want: want{rule: RiskRedHold}},
		{name: "the hold does not refuse a cold call", setup: append(threeFlags, inspectDummies),
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"1"}`}},
		{name: "override flag ends after 7 days", setup: []step{unplanned, overrideHold, closeUD, clear},
			step: step{after: 7 * 24 * time.Hour}, want: want{risk: Green}},
	})
}

func TestConcernAtLevelFourIsNotANewReason(t *testing.T) {
	f := dayFixture(t, "")
	f.must(fileConcern("cam", "c1", "equipment", "critical"))
	f.advance(2 * time.Hour) // level 3: red, hold placed
	if got := f.s.Holds(); !sameSet(got, []string{RiskRedHold}) {
		t.Fatalf("holds at level 3 %v, want [risk-red-hold]", got)
	}
	f.must(overrideHold)
	evs := f.advance(2 * time.Hour) // level 4
	if got := escStrings(Summarize(evs).Escalations); !sameSet(got, []string{"c1/4"}) {
		t.Fatalf("escalations %v, want c1/4", got)
	}
	if got := f.s.Holds(); len(got) != 0 {
		t.Errorf("holds after level 4 %v, want none: the same concern is not a new reason", got)
	}
	// Resolving ends the reason; the same concern reopened and reaching 3 again is new.
	f.run(step{as: "sol", do: "concern.resolve", with: `{"concern":"c1","action":"fixed"}`},
		step{as: "cam", do: "concern.reopen", with: `{"concern":"c1"}`})
	f.advance(2 * time.Hour)
	if got := f.s.Holds(); !sameSet(got, []string{RiskRedHold}) {
		t.Errorf("holds after the reopened concern reached level 3 %v, want [risk-red-hold]", got)
	}
}

func TestRefusalOrder(t *testing.T) {
	liveRound := step{as: "cam", do: "round.found", with: `{"kind":"live","where":"cart"}`}
	runCases(t, []ruleCase{
		{name: "role-required before armorer-certified",
			step: step{as: "dan", do: "firearm.register", with: `{"id":"p1","serial":"1","type":"pistol","capability":"non_firing"}`},
			want: want{rule: RoleRequired}},
		{name: "armorer-certified before a hold", setup: []step{unplanned},
			step: step{as: "bo", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`}, want: want{rule: ArmorerCertified}},
		{name: "holds in table order: no-live-ammo before discharge-stops-work placed earlier", setup: []step{unplanned, liveRound},
			step: handToKim, want: want{rule: NoLiveAmmo}},
		{name: "holds in table order: discharge-stops-work before risk-red-hold", setup: []step{unplanned},
			step: handToKim, want: want{rule: DischargeStopsWork}},
		{name: "a production hold before the firearm's own hold", setup: []step{inspectDummies, handToKim, kimAccepts,
			{as: "dan", do: "break.start", with: `{"kind":"meal"}`}, unplanned},
			step: step{as: "kim", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: DischargeStopsWork}},
		{name: "a hold before inspect-before-handoff", setup: []step{unplanned},
			step: handToKim, want: want{rule: DischargeStopsWork}},
		{name: "inspect-before-handoff before training-required",
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: InspectBeforeHandoff}},
		{name: "training-required before safety-meeting-first", setup: []step{{after: 24 * time.Hour}, inspectDummies},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: TrainingRequired}},
		{name: "a hold before line-of-fire on a hot call", setup: []step{unplanned},
			step: step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"colt-1","scene":"9"}`}, want: want{rule: DischargeStopsWork}},
		{name: "invalid before role-required",
			step: step{as: "kim", do: "firearm.register", with: `{"id":"p1"}`}, want: want{rule: Invalid, field: "with.serial"}},
	})
}

func TestOverrideNeverLiftsOtherHolds(t *testing.T) {
	f := dayFixture(t, "")
	f.run(unplanned, step{as: "cam", do: "round.found", with: `{"kind":"live","where":"cart"}`}, fileConcern("cam", "c1", "firearms", "critical"), overrideHold)
	want := []string{NoLiveAmmo, DischargeStopsWork, CriticalConcern}
	if got := f.s.Holds(); !sameSet(got, want) {
		t.Errorf("holds after override %v, want %v", got, want)
	}
	if got := f.s.Holds(); len(got) == 3 && (got[0] != NoLiveAmmo || got[1] != DischargeStopsWork || got[2] != CriticalConcern) {
		t.Errorf("holds %v not in the order of the table", got)
	}
}

func TestHeldFirearms(t *testing.T) {
	s := New()
	if got := s.HeldFirearms(); len(got) != 0 {
		t.Fatalf("empty production: got %v, want no held firearms", got)
	}
	s.firearms = map[string]*firearm{
		"colt-1": {ID: "colt-1", Holds: []hold{{ID: SecureAtBreak, Firearm: "colt-1"}}},
		"colt-2": {ID: "colt-2"},
	}
	got := s.HeldFirearms()
	if len(got) != 1 || !slices.Equal(got["colt-1"], []string{SecureAtBreak}) {
		t.Errorf("got %v, want only colt-1 with [%s]", got, SecureAtBreak)
	}
}
