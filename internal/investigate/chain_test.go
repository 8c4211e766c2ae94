package investigate

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// westernJSON is the western report as `coldset report --format json` writes it,
// read back: the tests assert on the JSON, not on Go values.
func westernJSON(t *testing.T) Report {
	t.Helper()
	rec, _ := westernRecord(t)
	r, err := Build(rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// finding returns the findings of safeguard rule that satisfy ok.
func findings(r Report, rule string, ok func(Finding) bool) []Finding {
	var out []Finding
	for _, s := range r.FailureChain {
		if s.Rule != rule {
			continue
		}
		for _, f := range s.Findings {
			if ok(f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func acted(f Finding, person, role string) bool {
	return slices.ContainsFunc(f.People, func(a Actor) bool {
		return a.ID == person && a.Part == "acted" && slices.Contains(a.Roles, role)
	})
}

func TestWesternFailureChain(t *testing.T) {
	r := westernJSON(t)
	tests := []struct {
		name string
		rule string
		want int // findings matching ok
		ok   func(Finding) bool
	}{
		{"the armorer's second role", "armorer-dual-role", 1, func(f Finding) bool {
			return f.Outcome == Failed && slices.ContainsFunc(f.People, func(a Actor) bool {
				return a.ID == "armorer" && slices.Equal(a.Roles, []string{"armorer", "prop_master"})
			})
		}},
		{"the box of dummies from no known supplier", "known-supplier", 1, func(f Finding) bool {
			return f.Kind == "flag" && f.Lot == "box-b" && acted(f, "armorer", "armorer")
		}},
		{"loading from the unverified box of dummies refused", "dummy-verified", 1, func(f Finding) bool {
			return f.Kind == "refused" && f.Lot == "box-b" && f.Firearm == "colt-45" && acted(f, "armorer", "armorer")
		}},
		{"the refused training", "training-required", 1, func(f Finding) bool {
			return f.Kind == "flag" && f.Reason == "no time in the schedule" && acted(f, "upm", "producer") &&
				slices.ContainsFunc(f.People, func(a Actor) bool { return a.ID == "lead" && a.Part == "named" })
		}},
		{"first override by the producer", "risk-red-hold", 1, func(f Finding) bool {
			return f.Outcome == Bypassed && f.Kind == "override" && f.Reason == "we are on schedule; keep shooting" && acted(f, "producer", "producer")
		}},
		{"second override by the producer", "risk-red-hold", 1, func(f Finding) bool {
			return f.Outcome == Bypassed && f.Reason == "we cannot lose another day" && acted(f, "producer", "producer") && slices.Contains(f.Entries, 47)
		}},
		{"the unplanned discharge, its incident still open", "discharge-stops-work", 1, func(f Finding) bool {
			return f.Kind == "incident" && f.Incident == "unplanned-discharge-1" && f.Status == "open" && acted(f, "double", "stunt")
		}},
		{"the concern that reached level 4 unanswered", "concern-sla", 1, func(f Finding) bool {
			return f.Kind == "escalation" && f.Concern == "discharges" && f.Status == "open" && strings.Contains(f.Summary, "level 4")
		}},
		{"level 4 reached nobody", "concern-sla", 1, func(f Finding) bool {
			return f.Outcome == Absent && strings.Contains(f.Summary, "level 4")
		}},
		{"the two walk-offs", "walkoff", 2, func(f Finding) bool {
			return f.Kind == "flag" && acted(f, "dp", "camera")
		}},
		{"the refused line-of-fire plan", "line-of-fire", 1, func(f Finding) bool {
			return f.Kind == "refused" && acted(f, "ad", "first_ad") && f.Firearm == ""
		}},
		{"the refused cold call", "cold-call-verified", 1, func(f Finding) bool {
			return f.Kind == "refused" && f.Firearm == "colt-45" && acted(f, "ad", "first_ad")
		}},
		{"the refused hand-over by the first AD", "role-required", 1, func(f Finding) bool {
			return f.Kind == "refused" && f.Index == 61 && acted(f, "ad", "first_ad")
		}},
		{"no safety officer to close the incident", "discharge-stops-work", 1, func(f Finding) bool {
			return f.Outcome == Absent && f.Incident == "unplanned-discharge-1"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(r, tt.rule, tt.ok)
			if len(got) != tt.want {
				t.Errorf("%d findings of %s match, want %d; all: %+v", len(got), tt.rule, tt.want, findings(r, tt.rule, func(Finding) bool { return true }))
			}
			for _, f := range got {
				if len(f.Entries) == 0 || f.Entries[0] > f.Index || !slices.Contains(f.Entries, f.Index) {
					t.Errorf("finding %q cites entries %v, index %d", f.Summary, f.Entries, f.Index)
				}
			}
		})
	}
}

func TestWesternChainOrder(t *testing.T) {
	r := westernJSON(t)
	if r.Checkpoint.Size != 63 || r.Checkpoint.RootHash == "" || !strings.HasPrefix(r.Checkpoint.Signed, "coldset/western-2021\n63\n") {
		t.Errorf("checkpoint = %+v, want size 63 with its root and signed note", r.Checkpoint)
	}
	var last uint64
	seenHeld := false
	for _, s := range r.FailureChain {
		if s.First == nil {
			seenHeld = true
			if s.Status != Held {
				t.Errorf("%s has no findings but status %s", s.Rule, s.Status)
			}
			continue
		}
		if seenHeld || *s.First < last {
			t.Errorf("%s (first entry %d) out of order after %d", s.Rule, *s.First, last)
		}
		last = *s.First
	}
	if got := len(r.FailureChain); got != len(safeguards) {
		t.Errorf("%d safeguards in the chain, want %d", got, len(safeguards))
	}
	status := map[string]string{}
	for _, s := range r.FailureChain {
		status[s.Rule] = s.Status
	}
	for rule, want := range map[string]string{"risk-red-hold": Bypassed, "dummy-verified": Failed, "inspect-before-handoff": Held, "no-live-ammo": Held} {
		if status[rule] != want {
			t.Errorf("status of %s = %s, want %s", rule, status[rule], want)
		}
	}
}
