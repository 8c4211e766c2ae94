package rules

import "testing"

func TestMayFollowsThePermissionTable(t *testing.T) {
	f := newFixture(t, "")
	f.must(step{as: "cam", do: ConcernFile, with: `{"id":"c-1","category":"fatigue","severity":"low","text":"long days"}`})
	cases := []struct {
		name, person, action string
		want                 bool
	}{
		{"first AD plans a scene", "dan", ScenePlan, true},
		{"armorer holds the safety meeting", "ana", SafetyMeetingHold, true},
		{"armorer may not plan a scene", "ana", ScenePlan, false},
		{"armorer inspects, certified or not", "bo", FirearmInspect, true},
		{"actor may not inspect", "kim", FirearmInspect, false},
		{"actor files a concern", "kim", ConcernFile, true},
		{"producer overrides", "pia", HoldOverride, true},
		{"safety officer may not override", "sol", HoldOverride, false},
		{"safety officer clears a hold", "sol", HoldClear, true},
		{"safety officer records training", "sol", TrainingRecord, true},
		{"nobody creates the production", "pia", ProductionCreate, false},
		{"someone not on the production", "zed", ConcernFile, false},
		{"an unknown action", "pia", "no.such", false},
	}
	for _, c := range cases {
		if got := f.s.May(c.person, c.action); got != c.want {
			t.Errorf("%s: May(%s, %s) = %v, want %v", c.name, c.person, c.action, got, c.want)
		}
	}
	handles := []struct {
		name, person string
		want         bool
	}{
		{"producer answers it", "pia", true},
		{"reporter's department head answers it", "raf", true},
		{"another department's head does not", "dan", false},
		{"its reporter does not", "cam", false},
	}
	for _, c := range handles {
		if got := f.s.MayHandle(c.person, "c-1"); got != c.want {
			t.Errorf("%s: MayHandle(%s, c-1) = %v, want %v", c.name, c.person, got, c.want)
		}
	}
}
