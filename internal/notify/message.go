package notify

import (
	"fmt"
	"strings"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

// notice is what one ledger entry tells people, before it is addressed to anyone:
// the words of the e-mail, the facts of the webhook, and whom the rules name.
type notice struct {
	Subject string
	Lines   []string
	Facts   map[string]any // the webhook's "details"
	People  []string       // person ids
	Roles   []string       // roles as the rules name them
}

// Who hears of what the rules do to firearm work: the people who run it and answer
// for it.
var (
	holdRoles     = []string{"safety_officer", "producer", "armorer", "first_ad"}
	overrideRoles = []string{"safety_officer", "producer", "studio_safety_contact"}
	incidentRoles = []string{"safety_officer", "producer", "armorer", "studio_safety_contact"}
)

// noticeFor returns what entry e tells people, or nil for an entry nobody is told
// of. v is the production's state just after e was folded in; texts holds what each
// concern's reporter wrote.
func noticeFor(e ledger.Entry, v *rules.Overview, texts map[string]string) (*notice, error) {
	switch e.Type {
	case rules.EventEscalation:
		p, err := rules.Payload[rules.EscalationData](e.Type, e.Payload)
		if err != nil {
			return nil, err
		}
		return escalationNotice(*p, v, texts), nil
	case rules.EventHoldPlace, rules.EventHoldLift:
		p, err := rules.Payload[rules.HoldData](e.Type, e.Payload)
		if err != nil {
			return nil, err
		}
		if p.By == rules.HoldOverride {
			return nil, nil // the override's own flag tells it, with the producer's reason
		}
		return holdNotice(e.Type, *p, v), nil
	case rules.EventIncidentOpen:
		p, err := rules.Payload[rules.IncidentData](e.Type, e.Payload)
		if err != nil {
			return nil, err
		}
		if !p.Serious {
			return nil, nil
		}
		return incidentNotice(*p, v), nil
	case rules.IncidentReport:
		p, err := rules.Payload[rules.ReportData](e.Type, e.Payload)
		if err != nil {
			return nil, err
		}
		if !p.Serious {
			return nil, nil
		}
		return incidentNotice(rules.IncidentData{ID: p.ID, Kind: p.Kind, Serious: p.Serious, Text: p.Text}, v), nil
	case rules.EventFlag:
		p, err := rules.Payload[rules.FlagData](e.Type, e.Payload)
		if err != nil {
			return nil, err
		}
		if p.Rule != rules.Override {
			return nil, nil
		}
		producer := name(v, p.Subject) // the flag's subject is the producer who overrode
		return &notice{
			Subject: "risk-red-hold overridden by producer " + producer,
			Lines: []string{
				fmt.Sprintf("Producer %s lifted the risk-red-hold on %s: firearm work may go on although the risk level is red.", producer, v.Name),
				"As recorded: " + p.Message,
				"",
				"The override stays on the record as that producer's decision to continue, flagged for 7 days and in every report.",
				"What to do: the safety officer reviews the red reasons (" + strings.Join(v.Risk.Reasons, "; ") + ") and works to clear them.",
			},
			Facts:  map[string]any{"rule": p.Rule, "producer": p.Subject, "message": p.Message, "risk": v.Risk},
			People: withRoles(v, overrideRoles), Roles: overrideRoles,
		}, nil
	}
	return nil, nil
}

func holdNotice(typ string, p rules.HoldData, v *rules.Overview) *notice {
	what := "the whole production"
	if p.Firearm != "" {
		what = "firearm " + p.Firearm
	}
	n := &notice{Facts: map[string]any{"hold": p.Hold, "ref": p.Ref, "firearm": p.Firearm, "reasons": p.Reasons},
		People: withRoles(v, holdRoles), Roles: holdRoles}
	if typ == rules.EventHoldLift {
		n.Subject = fmt.Sprintf("hold %s lifted on %s", p.Hold, what)
		n.Lines = []string{fmt.Sprintf("The %s hold on %s was lifted (by %s).", p.Hold, what, p.By),
			"", "Firearm work may resume where no other hold stands: holds still in force: " + holdList(v) + "."}
		n.Facts["by"] = p.By
		return n
	}
	n.Subject = fmt.Sprintf("HOLD: firearm work stopped on %s (%s)", what, p.Hold)
	n.Lines = []string{fmt.Sprintf("Firearm work on %s is on hold: %s.", what, p.Hold)}
	if len(p.Reasons) > 0 {
		n.Lines = append(n.Lines, "Why: "+strings.Join(p.Reasons, "; ")+".")
	}
	if p.Ref != "" {
		n.Lines = append(n.Lines, "It was placed because of "+p.Ref+".")
	}
	for _, h := range v.Holds {
		if h.ID == p.Hold && h.Ref == p.Ref && h.Firearm == p.Firearm {
			n.Lines = append(n.Lines, "", "What to do: no hand-overs, no accepting a firearm, no hot call until it is lifted. Lifted by: "+h.LiftedBy+".")
		}
	}
	return n
}

func incidentNotice(p rules.IncidentData, v *rules.Overview) *notice {
	n := &notice{
		Subject: fmt.Sprintf("SERIOUS INCIDENT %s: %s", p.ID, p.Kind),
		Lines:   []string{fmt.Sprintf("A serious incident was opened on %s: %s (%s).", v.Name, p.Kind, p.ID)},
		Facts:   map[string]any{"incident": p.ID, "kind": p.Kind, "firearm": p.Firearm, "lot": p.Lot, "text": p.Text},
		People:  withRoles(v, incidentRoles), Roles: incidentRoles,
	}
	if p.Text != "" {
		n.Lines = append(n.Lines, "What was recorded: "+p.Text)
	}
	if p.Firearm != "" {
		n.Lines = append(n.Lines, "Firearm: "+p.Firearm)
	}
	n.Lines = append(n.Lines, "",
		"What to do: see to the people first; keep firearm work stopped wherever a hold is placed (each hold placed comes as a message of its own); the safety officer investigates and closes the incident with written findings and corrective actions (incident.close).")
	return n
}

// withRoles lists the people of the production holding any of roles.
func withRoles(v *rules.Overview, roles []string) []string {
	var out []string
	for _, p := range v.People {
		for _, r := range p.Roles {
			if contains(roles, r) {
				out = append(out, p.ID)
				break
			}
		}
	}
	return out
}

func holdList(v *rules.Overview) string {
	if len(v.Holds) == 0 {
		return "none"
	}
	var hs []string
	for _, h := range v.Holds {
		if h.Firearm != "" {
			hs = append(hs, h.ID+" on firearm "+h.Firearm)
		} else {
			hs = append(hs, h.ID)
		}
	}
	return strings.Join(hs, ", ")
}

// name returns a person's name and id, as messages show them.
func name(v *rules.Overview, id string) string {
	for _, p := range v.People {
		if p.ID == id && p.Name != "" {
			return p.Name + " (" + id + ")"
		}
	}
	return id
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// localTime formats t in the production's timezone, as people on set read clocks.
func localTime(v *rules.Overview, t time.Time) string {
	if loc, err := time.LoadLocation(v.Timezone); err == nil {
		t = t.In(loc)
	}
	return t.Format("Mon 2 Jan 2006 15:04 MST")
}
