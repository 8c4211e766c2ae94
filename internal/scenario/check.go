package scenario

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"coldset/internal/rules"
)

// Observed is what a step produced and the production's state after it.
type Observed struct {
	Result       rules.Result
	Holds        []string
	FirearmHolds map[string][]string // for the firearms asked about
	Risk         string
	Holder       map[string]string // for the firearms asked about
}

// Failure is one expectation that did not hold.
type Failure struct {
	Key      string `json:"key"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
}

func (f Failure) String() string {
	return fmt.Sprintf("%s: expected %s, got %s", f.Key, f.Expected, f.Got)
}

// Check compares o with e and returns every expectation that failed, in the order of
// SCENARIOS.md's list. Lists are compared as sets: order and repeats do not matter.
func Check(e Expect, o Observed) []Failure {
	var fs []Failure
	fail := func(key, want, got string) { fs = append(fs, Failure{Key: key, Expected: want, Got: got}) }
	outcome := o.Result.Outcome
	if outcome == "" {
		outcome = "ok"
	}
	if outcome != e.Outcome {
		got := outcome
		if outcome == rules.Refused {
			got = fmt.Sprintf("refused by %s", o.Result.Rule)
			if o.Result.Message != "" {
				got += " (" + o.Result.Message + ")"
			}
		}
		want := e.Outcome
		if e.Rule != nil {
			want = "refused by " + *e.Rule
		}
		fail("outcome", want, got)
	}
	if e.Rule != nil && *e.Rule != o.Result.Rule && outcome == rules.Refused {
		got := o.Result.Rule
		if o.Result.Message != "" {
			got += " (" + o.Result.Message + ")"
		}
		fail("rule", *e.Rule, got)
	}
	if e.Flags != nil && !sameSet(*e.Flags, o.Result.Flags) {
		fail("flags", list(*e.Flags), list(o.Result.Flags))
	}
	if e.Incidents != nil && !sameSet(*e.Incidents, o.Result.Incidents) {
		fail("incident", list(*e.Incidents), list(o.Result.Incidents))
	}
	if e.Holds != nil && !sameSet(*e.Holds, o.Holds) {
		fail("holds", list(*e.Holds), list(o.Holds))
	}
	for _, fa := range sortedKeys(e.FirearmHolds) {
		if want, got := e.FirearmHolds[fa], o.FirearmHolds[fa]; !sameSet(want, got) {
			fail("firearm_holds."+fa, list(want), list(got))
		}
	}
	if e.Risk != nil && *e.Risk != o.Risk {
		fail("risk", *e.Risk, o.Risk)
	}
	if e.Escalations != nil && !sameSet(escalationKeys(*e.Escalations), escalationKeys(o.Result.Escalations)) {
		fail("escalations", escalationList(*e.Escalations), escalationList(o.Result.Escalations))
	}
	for _, fa := range sortedKeys(e.Holder) {
		if want, got := e.Holder[fa], o.Holder[fa]; want != got {
			if got == "" {
				got = "(unknown firearm)"
			}
			fail("holder."+fa, want, got)
		}
	}
	return fs
}

// sameSet reports whether a and b hold the same names, ignoring order and repeats.
func sameSet(a, b []string) bool {
	as, bs := dedupe(a), dedupe(b)
	return slices.Equal(as, bs)
}

func dedupe(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return slices.Compact(out)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func escalationKeys(es []rules.Escalation) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s\x00%d", e.Concern, e.Level)
	}
	return out
}

// list writes names the way a scenario file does: [a, b], or [] for none.
func list(xs []string) string {
	return "[" + strings.Join(xs, ", ") + "]"
}

func escalationList(es []rules.Escalation) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("{concern: %s, level: %d}", e.Concern, e.Level)
	}
	return list(parts)
}
