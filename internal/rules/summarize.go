package rules

import "encoding/json"

// Summarize reports what a decision or a tick produced: the outcome (with the rule,
// message and field of a refusal), the flags raised (rule ids, once each), the kinds of
// incident opened and the escalations raised, in the order they happened.
func Summarize(evs []Event) Result {
	res := Result{Outcome: OK, Flags: []string{}, Incidents: []string{}, Escalations: []Escalation{}}
	refused := false
	for _, e := range evs {
		switch e.Type {
		case EventRefused:
			// Only what the summary needs is decoded: the refused "with" is recorded as
			// sent and may hold what Go cannot decode (1e400), yet it was refused.
			var p struct{ Rule, Message, Field string }
			if !refused {
				refused = true
				_ = json.Unmarshal(e.Data, &p)
				res.Outcome, res.Rule, res.Message, res.Field = Refused, p.Rule, p.Message, p.Field
			}
		case EventFlag:
			var p FlagData
			if json.Unmarshal(e.Data, &p) == nil && !contains(res.Flags, p.Rule) {
				res.Flags = append(res.Flags, p.Rule)
			}
		case EventIncidentOpen, IncidentReport:
			var p IncidentData
			if json.Unmarshal(e.Data, &p) == nil && !contains(res.Incidents, p.Kind) {
				res.Incidents = append(res.Incidents, p.Kind)
			}
		case EventEscalation:
			var p EscalationData
			if json.Unmarshal(e.Data, &p) == nil {
				res.Escalations = append(res.Escalations, Escalation{Concern: p.Concern, Level: p.Level})
			}
		}
	}
	return res
}
