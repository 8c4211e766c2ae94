package scenario

import (
	"reflect"
	"testing"

	"coldset/internal/rules"
)

func TestSameSet(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want bool
	}{
		{"both empty", nil, []string{}, true},
		{"order does not matter", []string{"a", "b"}, []string{"b", "a"}, true},
		{"repeats do not matter", []string{"walkoff"}, []string{"walkoff", "walkoff"}, true},
		{"missing one", []string{"a", "b"}, []string{"a"}, false},
		{"extra one", []string{"a"}, []string{"a", "b"}, false},
		{"empty against one", []string{}, []string{"a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameSet(tt.a, tt.b); got != tt.want {
				t.Errorf("sameSet(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	str := func(s string) *string { return &s }
	names := func(xs ...string) *[]string { return &xs }
	refused := rules.Result{Outcome: "refused", Rule: "role-required", Message: "ad may not hand over colt-45"}
	tests := []struct {
		name   string
		expect Expect
		obs    Observed
		want   []Failure
	}{
		{"ok holds", Expect{Outcome: "ok"}, Observed{Result: rules.Result{Outcome: "ok"}}, nil},
		{"empty outcome counts as ok", Expect{Outcome: "ok"}, Observed{}, nil},
		{"refused when ok expected", Expect{Outcome: "ok"}, Observed{Result: refused},
			[]Failure{{"outcome", "ok", "refused by role-required (ad may not hand over colt-45)"}}},
		{"other rule", Expect{Outcome: "refused", Rule: str("discharge-stops-work")}, Observed{Result: refused},
			[]Failure{{"rule", "discharge-stops-work", "role-required (ad may not hand over colt-45)"}}},
		{"ok when a rule expected", Expect{Outcome: "refused", Rule: str("line-of-fire")}, Observed{Result: rules.Result{Outcome: "ok"}},
			[]Failure{{"outcome", "refused by line-of-fire", "ok"}}},
		{"flags as sets", Expect{Outcome: "ok", Flags: names("walkoff")}, Observed{Result: rules.Result{Flags: []string{"walkoff", "walkoff"}}}, nil},
		{"flags differ", Expect{Outcome: "ok", Flags: names()}, Observed{Result: rules.Result{Flags: []string{"secure-at-break"}}},
			[]Failure{{"flags", "[]", "[secure-at-break]"}}},
		{"holds differ", Expect{Outcome: "ok", Holds: names("discharge-stops-work")},
			Observed{Holds: []string{"discharge-stops-work", "risk-red-hold"}},
			[]Failure{{"holds", "[discharge-stops-work]", "[discharge-stops-work, risk-red-hold]"}}},
		{"incident none", Expect{Outcome: "ok", Incidents: names()}, Observed{Result: rules.Result{Incidents: []string{"injury"}}},
			[]Failure{{"incident", "[]", "[injury]"}}},
		{"risk", Expect{Outcome: "ok", Risk: str("red")}, Observed{Risk: "amber"}, []Failure{{"risk", "red", "amber"}}},
		{"escalations", Expect{Outcome: "ok", Escalations: &[]rules.Escalation{{Concern: "c", Level: 2}}},
			Observed{Result: rules.Result{Escalations: []rules.Escalation{{Concern: "c", Level: 3}}}},
			[]Failure{{"escalations", "[{concern: c, level: 2}]", "[{concern: c, level: 3}]"}}},
		{"holder and firearm holds", Expect{Outcome: "ok", Holder: map[string]string{"colt-1": "kim"},
			FirearmHolds: map[string][]string{"colt-1": {"secure-at-break"}}},
			Observed{Holder: map[string]string{"colt-1": "armory"}, FirearmHolds: map[string][]string{}},
			[]Failure{{"firearm_holds.colt-1", "[secure-at-break]", "[]"}, {"holder.colt-1", "kim", "armory"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.expect, tt.obs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %v\nwant    %v", got, tt.want)
			}
		})
	}
}
