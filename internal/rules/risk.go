package rules

import (
	"fmt"
	"sort"
	"strings"
)

// riskState is the part of the state that decides red and the placing of risk-red-hold.
// It is small (only what is red now) so that Decide and Tick can copy it and play their
// events forward without touching the State.
type riskState struct {
	serious      map[string]bool // open serious incidents
	walkoffs     map[int]bool    // active walkoff flags
	high         map[string]bool // open concerns at escalation level 3 or 4
	firearmFlags int             // active firearm flags
	// seen holds the red reasons that have already placed (or been covered by) the hold,
	// among those present now: a reason present and not seen places the hold again.
	seen   map[string]bool
	placed bool // risk-red-hold is placed
}

const manyFlagsReason = "three or more active firearm flags"

func newRiskState() riskState {
	return riskState{serious: map[string]bool{}, walkoffs: map[int]bool{}, high: map[string]bool{}, seen: map[string]bool{}}
}

func (r *riskState) clone() riskState {
	c := *r
	c.serious = cloneSet(r.serious)
	c.walkoffs = cloneSet(r.walkoffs)
	c.high = cloneSet(r.high)
	c.seen = cloneSet(r.seen)
	return c
}

func cloneSet[K comparable](m map[K]bool) map[K]bool {
	c := make(map[K]bool, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func incidentReason(id string) string { return "open serious incident " + id }
func walkoffReason(n int) string      { return fmt.Sprintf("safety walk-off (flag %d)", n) }
func concernReason(id string) string  { return "concern " + id + " at escalation level 3 or 4" }

// apply plays one event's typed payload into the risk state. Apply and the forward play
// of Decide and Tick both go through here, so they cannot disagree.
func (r *riskState) apply(typ string, p any) {
	switch v := p.(type) {
	case *FlagData:
		if v.FirearmFlag {
			r.firearmFlags++
		}
		if v.Rule == Walkoff {
			r.walkoffs[v.Flag] = true
		}
	case *FlagLiftData:
		if v.FirearmFlag {
			r.firearmFlags--
			if r.firearmFlags < 3 {
				delete(r.seen, manyFlagsReason)
			}
		}
		if v.Rule == Walkoff {
			delete(r.walkoffs, v.Flag)
			delete(r.seen, walkoffReason(v.Flag))
		}
	case *IncidentData:
		if v.Serious {
			r.serious[v.ID] = true
		}
	case *ReportData:
		if v.Serious {
			r.serious[v.ID] = true
		}
	case *CloseData:
		delete(r.serious, v.Incident)
		delete(r.seen, incidentReason(v.Incident))
	case *EscalationData:
		if v.Level >= 3 {
			r.high[v.Concern] = true
		}
	case *ConcernActData:
		if typ == ConcernResolve || typ == ConcernDismiss {
			delete(r.high, v.Concern)
			delete(r.seen, concernReason(v.Concern))
		}
	case *HoldData:
		if v.Hold != RiskRedHold {
			return
		}
		if typ == EventHoldPlace {
			r.placed = true
			for _, k := range v.Reasons {
				r.seen[k] = true
			}
		} else {
			r.placed = false
		}
	}
}

// reasons lists the red reasons present, as keys, sorted.
func (r *riskState) reasons() []string {
	var out []string
	for id := range r.serious {
		out = append(out, incidentReason(id))
	}
	for n := range r.walkoffs {
		out = append(out, walkoffReason(n))
	}
	for id := range r.high {
		out = append(out, concernReason(id))
	}
	if r.firearmFlags >= 3 {
		out = append(out, manyFlagsReason)
	}
	sort.Strings(out)
	return out
}

func (r *riskState) red() bool {
	return len(r.serious) > 0 || len(r.walkoffs) > 0 || len(r.high) > 0 || r.firearmFlags >= 3
}

// unseen lists the red reasons that have not placed the hold yet.
func (r *riskState) unseen() []string {
	var out []string
	for _, k := range r.reasons() {
		if !r.seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// Risk computes the production's risk level of RULES.md with its reasons in words.
func (s *State) Risk() Risk {
	var red, amber []string
	for _, id := range sortedKeys(s.risk.serious) {
		red = append(red, fmt.Sprintf("open serious incident %s (%s)", id, s.incidents[id].Kind))
	}
	for _, n := range sortedKeys(s.risk.walkoffs) {
		if f := s.flags[n]; f != nil {
			red = append(red, "safety walk-off on "+s.localDay(f.At)+", within the last 7 days")
		}
	}
	for _, id := range sortedKeys(s.risk.high) {
		red = append(red, fmt.Sprintf("concern %s unresolved at escalation level %d", id, s.concerns[id].Level))
	}
	var active, firearmRules []string
	for _, n := range sortedKeys(s.flags) {
		f := s.flags[n]
		active = append(active, f.Rule)
		if f.FirearmFlag {
			firearmRules = append(firearmRules, f.Rule)
		}
	}
	if len(firearmRules) >= 3 {
		red = append(red, fmt.Sprintf("%d active firearm flags: %s", len(firearmRules), strings.Join(firearmRules, ", ")))
	}
	if len(red) > 0 {
		return Risk{Level: Red, Reasons: red}
	}
	if len(active) > 0 {
		amber = append(amber, fmt.Sprintf("%d active flag(s): %s", len(active), strings.Join(active, ", ")))
	}
	for _, id := range sortedKeys(s.openInc) {
		amber = append(amber, fmt.Sprintf("open incident %s (%s)", id, s.openInc[id].Kind))
	}
	for _, id := range sortedKeys(s.open) {
		if s.open[id].Severity == "critical" {
			amber = append(amber, "critical concern "+id+" open")
		}
	}
	if len(amber) > 0 {
		return Risk{Level: Amber, Reasons: amber}
	}
	return Risk{Level: Green, Reasons: []string{}}
}

func sortedKeys[K interface{ ~int | ~string }, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
