package rules

import "testing"

func TestLineOfFireAndCalls(t *testing.T) {
	plan12 := step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"camera","protections":["shields","remote_monitor"]}`}
	runCases(t, []ruleCase{
		{name: "plan refused: toward the camera without protections",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"camera","protections":[]}`},
			want: want{rule: LineOfFire}},
		{name: "plan refused: shields without a remote monitor",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"person","protections":["shields"]}`},
			want: want{rule: LineOfFire}},
		{name: "plan accepted: shields and remote monitor", step: plan12},
		{name: "plan accepted: 20 feet for a blank-fire firearm",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"person","protections":["min_distance"],"distance_ft":20}`}},
		{name: "plan refused: 19 feet",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"person","protections":["min_distance"],"distance_ft":19}`},
			want: want{rule: LineOfFire}},
		{name: "plan refused: distance is not enough for a live-fire firearm",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["rifle-1"],"toward":"person","protections":["min_distance"],"distance_ft":50}`},
			want: want{rule: LineOfFire}},
		{name: "plan accepted: pointed at nobody",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["rifle-1"],"toward":"none"}`}},
		{name: "plan accepted: a numeric scene",
			step: step{as: "dan", do: "scene.plan", with: `{"scene":12,"firearms":["colt-1"],"toward":"none"}`}},
		{name: "plan by the armorer: role-required",
			step: step{as: "ana", do: "scene.plan", with: `{"scene":"12","firearms":["colt-1"],"toward":"none"}`},
			want: want{rule: RoleRequired}},
		{name: "hot call refused: no accepted plan lists the firearm", setup: []step{
			{as: "dan", do: "scene.plan", with: `{"scene":"12","firearms":["rifle-1"],"toward":"none"}`}},
			step: step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"colt-1","scene":"12"}`},
			want: want{rule: LineOfFire}},
		{name: "hot call accepted: the plan lists the firearm", setup: []step{plan12},
			step: step{as: "dan", do: "set.call", with: `{"call":"hot","firearm":"colt-1","scene":"12"}`}},
		{name: "cold call refused: never inspected",
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`},
			want: want{rule: ColdCallVerified}},
		{name: "cold call accepted: verified dummies", setup: []step{inspectDummies},
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`}},
		{name: "cold call accepted: empty", setup: []step{{as: "ana", do: "firearm.inspect", with: `{"firearm":"colt-1","load":"empty"}`}},
			step: step{as: "ana", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`}},
		{name: "cold call refused: loaded with blanks", setup: []step{inspectBlanks},
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`},
			want: want{rule: ColdCallVerified}},
		{name: "cold call refused: not inspected since its return", setup: []step{inspectDummies, handToKim, kimAccepts, returnColt},
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`},
			want: want{rule: ColdCallVerified}},
		{name: "cold call refused: not inspected since it was accepted", setup: []step{inspectDummies, handToKim, kimAccepts},
			step: step{as: "dan", do: "set.call", with: `{"call":"cold","firearm":"colt-1","scene":"12"}`},
			want: want{rule: ColdCallVerified}},
		{name: "meeting held by a camera head: role-required",
			step: step{as: "raf", do: "safety_meeting.hold", with: `{"attendees":["raf"]}`},
			want: want{rule: RoleRequired}},
		{name: "meeting led by the armorer",
			step: step{as: "ana", do: "safety_meeting.hold", with: `{"attendees":["cam"]}`}},
	})
}

func TestSecureAtBreak(t *testing.T) {
	meal := step{as: "dan", do: "break.start", with: `{"kind":"meal"}`}
	out := []step{inspectDummies, handToKim, kimAccepts}
	runCases(t, []ruleCase{
		{name: "meal break: every firearm in the armory", step: meal, want: want{flags: none, incidents: none, risk: Green}},
		{name: "meal break: the actor still holds the revolver", setup: out,
			step: meal, want: want{flags: []string{SecureAtBreak}, incidents: []string{IncidentUnsecuredFirearm}, holds: none, risk: Amber}},
		{name: "a firearm on hold: the holder's hand-over is refused", setup: append(out, meal),
			step: step{as: "kim", do: "firearm.handoff", with: `{"firearm":"colt-1","to":"leo"}`}, want: want{rule: SecureAtBreak}},
		{name: "a firearm on hold: returning it stays allowed", setup: append(out, meal),
			step: returnColt, want: want{holder: "armory"}},
		{name: "break started by an actor: role-required",
			step: step{as: "kim", do: "break.start", with: `{"kind":"meal"}`}, want: want{rule: RoleRequired}},
	})
	t.Run("the armorer's inspection lifts the firearm hold and its flag", func(t *testing.T) {
		f := dayFixture(t, "")
		f.run(append(out, meal)...)
		if got := f.s.FirearmHolds("colt-1"); !sameSet(got, []string{SecureAtBreak}) {
			t.Fatalf("firearm holds %v, want [secure-at-break]", got)
		}
		f.run(returnColt, inspectDummies)
		if got := f.s.FirearmHolds("colt-1"); len(got) != 0 {
			t.Errorf("firearm holds after inspection %v, want none", got)
		}
		// The unsecured-firearm incident stays open until the safety officer closes it.
		if got := f.s.Risk(); got.Level != Amber {
			t.Errorf("risk %v, want amber (open incident)", got)
		}
	})
}
