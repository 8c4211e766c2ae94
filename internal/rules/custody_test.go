package rules

import (
	"testing"
	"time"
)

func TestCustody(t *testing.T) {
	min := time.Minute
	runCases(t, []ruleCase{
		{name: "handoff accepted: inspected 2 minutes ago", setup: []step{inspectDummies},
			step: step{after: 2 * min, as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`},
			want: want{holder: "armory", flags: none}},
		{name: "handoff accepted: inspected exactly 10 minutes ago", setup: []step{inspectDummies},
			step: step{after: 10 * min, as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`}},
		{name: "handoff refused: inspected 11 minutes ago", setup: []step{inspectDummies},
			step: step{after: 11 * min, as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`},
			want: want{rule: InspectBeforeHandoff}},
		{name: "handoff refused: never inspected",
			step: handToKim, want: want{rule: InspectBeforeHandoff}},
		{name: "handoff refused: 6 minutes with a 5 minute window", config: `{"inspect_window":"5m"}`, setup: []step{inspectDummies},
			step: step{after: 6 * min, as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`},
			want: want{rule: InspectBeforeHandoff}},
		{name: "handoff refused: an actor held it since the inspection", setup: []step{inspectDummies, handToKim, kimAccepts, returnColt},
			step: handToKim, want: want{rule: InspectBeforeHandoff}},
		{name: "handoff accepted: inspected again after the return", setup: []step{inspectDummies, handToKim, kimAccepts, returnColt, inspectDummies},
			step: handToKim},
		{name: "accept refused: the window passed before the accept", setup: []step{inspectDummies, handToKim},
			step: step{after: 11 * min, as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"dummy","rounds":6}`},
			want: want{rule: InspectBeforeHandoff, holder: "armory"}},
		{name: "accept: custody moves to the receiver", setup: []step{inspectDummies, handToKim},
			step: kimAccepts, want: want{holder: "kim", risk: Green}},
		{name: "accept refused: declared 5 rounds, the armorer recorded 6", setup: []step{inspectDummies, handToKim},
			step: step{as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"dummy","rounds":5}`},
			want: want{rule: ShowAndConfirm, incidents: []string{IncidentLoadMismatch}, holder: "armory", holds: []string{RiskRedHold}, risk: Red}},
		{name: "accept refused: declared blanks, the armorer recorded dummies", setup: []step{inspectDummies, handToKim},
			step: step{as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"blank","rounds":6}`},
			want: want{rule: ShowAndConfirm}},
		{name: "accept after a load mismatch: the hand-over was cancelled", setup: []step{inspectDummies, handToKim,
			{as: "kim", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"dummy","rounds":5}`, refused: true}},
			step: kimAccepts, want: want{rule: Invalid, field: "with.firearm"}},
		{name: "accept refused: someone else is the receiver", setup: []step{inspectDummies, handToKim},
			step: step{as: "leo", do: "firearm.accept", with: `{"firearm":"colt-1","load_seen":"dummy","rounds":6}`},
			want: want{rule: RoleRequired}},
		{name: "handoff refused: 1 hour of revolver training", setup: []step{inspectDummies},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: TrainingRequired}},
		{name: "handoff refused: blanks and no blank_fire training", setup: []step{
			{as: "sol", do: "training.record", with: `{"person":"leo","type":"revolver","hours":2}`}, inspectBlanks},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: TrainingRequired}},
		{name: "handoff accepted: training recorded up to the required hours", setup: []step{
			{as: "sol", do: "training.record", with: `{"person":"leo","type":"revolver","hours":1}`}, inspectDummies},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}},
		{name: "handoff refused: 3 hours where the production requires 4", config: `{"training_hours":{"any":4}}`, setup: []step{inspectDummies},
			step: handToKim, want: want{rule: TrainingRequired}},
		{name: "handoff to another armorer: no training record needed", setup: []step{inspectDummies,
			{as: "sol", do: "person.add", with: `{"id":"eve","name":"Eve","roles":["armorer"],"certified_until":"2027-01-01"}`},
			{as: "dan", do: "safety_meeting.hold", with: `{"attendees":["eve"]}`}},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"eve"}`}},
		{name: "handoff refused: the receiver was not at today's meeting", setup: []step{inspectDummies,
			{as: "sol", do: "training.record", with: `{"person":"cam","type":"revolver","hours":2}`}},
			step: step{as: "ana", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"cam"}`}, want: want{rule: SafetyMeetingFirst}},
		{name: "handoff refused: no safety meeting today", setup: []step{{after: 24 * time.Hour}, inspectDummies},
			step: handToKim, want: want{rule: SafetyMeetingFirst}},
		{name: "handoff refused: handed by a first AD", setup: []step{inspectDummies},
			step: step{as: "dan", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`}, want: want{rule: RoleRequired}},
		{name: "handoff by the holder: an actor passing it on", setup: []step{inspectDummies, handToKim, kimAccepts},
			step: step{as: "kim", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: InspectBeforeHandoff}},
		{name: "handoff refused: the armorer's certification expired yesterday", setup: []step{inspectDummies},
			step: step{as: "bo", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"kim"}`}, want: want{rule: ArmorerCertified}},
		{name: "refuse a firearm: files a high firearms concern refusal-1", setup: []step{inspectDummies, handToKim},
			step: step{as: "kim", do: "firearm.refuse", with: `{"firearm":"colt-1","reason":"the cylinder looks loaded"}`},
			want: want{holder: "armory", risk: Green}},
		{name: "return refused: already in the armory",
			step: returnColt, want: want{rule: Invalid, field: "with.firearm"}},
		{name: "return by the armorer, from the actor", setup: []step{inspectDummies, handToKim, kimAccepts},
			step: returnColt, want: want{holder: "armory"}},
	})
}

func TestFirearmRefuseFilesConcern(t *testing.T) {
	f := dayFixture(t, "")
	f.run(inspectDummies, handToKim)
	res := f.must(step{as: "kim", do: "firearm.refuse", with: `{"firearm":"colt-1","reason":"cylinder looks loaded"}`})
	if got := escStrings(res.Escalations); !sameSet(got, []string{"refusal-1/1"}) {
		t.Errorf("escalations %v, want refusal-1/1", got)
	}
	c := f.s.concerns["refusal-1"]
	if c == nil || c.Reporter != "kim" || c.Severity != "high" || c.Category != "firearms" {
		t.Fatalf("concern refusal-1 = %+v", c)
	}
	if f.s.firearms["colt-1"].PendingTo != "" {
		t.Error("the hand-over is still pending")
	}
}

func TestDischargeStopsWork(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "unplanned discharge: incident and production hold", setup: []step{inspectDummies, handToKim, kimAccepts},
			step: unplanned, want: want{incidents: []string{IncidentUnplannedDischarge}, holds: []string{DischargeStopsWork, RiskRedHold}, risk: Red}},
		{name: "planned discharge: no incident, no hold", setup: []step{inspectDummies, handToKim, kimAccepts},
			step: step{as: "kim", do: "firearm.discharge", with: `{"firearm":"colt-1","planned":true}`},
			want: want{incidents: none, holds: none, risk: Green}},
		{name: "planned discharge with an injury: injury incident, red, no discharge hold",
			step: step{as: "kim", do: "firearm.discharge", with: `{"firearm":"colt-1","planned":true,"injuries":1}`},
			want: want{incidents: []string{IncidentInjury}, holds: []string{RiskRedHold}, risk: Red}},
		{name: "unplanned discharge with an injury: both incidents",
			step: step{as: "kim", do: "firearm.discharge", with: `{"firearm":"colt-1","planned":false,"injuries":2}`},
			want: want{incidents: []string{IncidentUnplannedDischarge, IncidentInjury}, holds: []string{DischargeStopsWork, RiskRedHold}}},
		{name: "override lifts only risk-red-hold, not the discharge hold", setup: []step{unplanned},
			step: overrideHold, want: want{flags: []string{Override}, holds: []string{DischargeStopsWork}, risk: Red}},
		{name: "handoff refused under the discharge hold", setup: []step{unplanned, overrideHold, inspectDummies},
			step: handToKim, want: want{rule: DischargeStopsWork}},
		{name: "hot call refused under the discharge hold", setup: []step{unplanned,
			{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"none"}`}},
			step: step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"colt-1","scene":"12"}`}, want: want{rule: DischargeStopsWork}},
		{name: "returning and inspecting stay allowed under the hold", setup: []step{inspectDummies, handToKim, kimAccepts, unplanned, returnColt},
			step: inspectDummies},
		{name: "closing the incident lifts the discharge hold", setup: []step{unplanned},
			step: step{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-1","findings":"trigger worn","actions":"revolver retired"}`},
			want: want{holds: []string{RiskRedHold}, risk: Green}},
		{name: "closing refused without findings", setup: []step{unplanned},
			step: step{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-1","actions":"revolver retired"}`},
			want: want{rule: Invalid, field: "with.findings"}},
		{name: "closing by a producer: role-required", setup: []step{unplanned},
			step: step{as: "pia", do: "incident.close", with: `{"incident":"unplanned-discharge-1","findings":"f","actions":"a"}`},
			want: want{rule: RoleRequired}},
		{name: "closing a closed incident: invalid", setup: []step{unplanned,
			{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-1","findings":"f","actions":"a"}`}},
			step: step{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-1","findings":"f","actions":"a"}`},
			want: want{rule: Invalid, field: "with.incident"}},
		{name: "second unplanned discharge: incident id counts per kind", setup: []step{unplanned},
			step: step{as: "sol", do: "incident.close", with: `{"incident":"unplanned-discharge-2","findings":"f","actions":"a"}`},
			want: want{rule: Invalid, field: "with.incident"}},
	})
}

func TestIncidentIDsCountPerKind(t *testing.T) {
	f := dayFixture(t, "")
	f.run(unplanned, unplanned, step{as: "kim", do: "incident.report", with: `{"id":"n1","kind":"near-miss","text":"muzzle swept the crew"}`})
	for _, id := range []string{"unplanned-discharge-1", "unplanned-discharge-2", "n1"} {
		if f.s.incidents[id] == nil {
			t.Errorf("no incident %s", id)
		}
	}
	if f.s.incidents["n1"].Serious {
		t.Error("a near miss is not serious")
	}
}
