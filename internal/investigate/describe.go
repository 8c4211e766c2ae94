package investigate

import (
	"fmt"
	"strconv"
	"strings"

	"coldset/internal/rules"
)

// describe says in words what entry it records, naming people as the roster names
// them. It is the timeline's summary line; the entry itself stays the evidence.
func (w *world) describe(it *Item, p *payload) string {
	n := w.name
	ns := func(ids []string) string {
		names := make([]string, len(ids))
		for i, id := range ids {
			names[i] = n(id)
		}
		return strings.Join(names, ", ")
	}
	switch it.Type {
	case rules.ProductionCreate:
		return fmt.Sprintf("production %q created (time zone %s)", p.Name, p.Timezone)
	case rules.PersonAdd:
		return fmt.Sprintf("%s (%s) added as %s%s", p.Name, p.ID, strings.Join(p.Roles, ", "), certNote(p.CertifiedUntil))
	case rules.PersonRoles:
		return fmt.Sprintf("roles of %s set to %s", n(p.Person), strings.Join(p.Roles, ", "))
	case rules.CertificationRecord:
		return fmt.Sprintf("%s certification of %s recorded, valid until %s", p.Kind, n(p.Person), p.Until)
	case rules.TrainingRecord:
		return fmt.Sprintf("%g h of %s training recorded for %s", p.Hours, p.Type, n(p.Person))
	case rules.TrainingRequest:
		return fmt.Sprintf("training requested: %g h of %s (%s)", p.Hours, p.Type, p.Note)
	case rules.TrainingDeny, rules.TrainingGrant:
		return fmt.Sprintf("training request %s %s: %s", p.Request, pastTense(it.Type), p.Reason)
	case rules.FirearmRegister:
		return fmt.Sprintf("firearm %s registered: %s, %s, serial %s%s", p.ID, p.Type, p.Capability, p.Serial, prefixed(", ", strings.TrimSpace(p.Make+" "+p.Model)))
	case rules.AmmoReceive:
		return fmt.Sprintf("lot %s received: %d %s %s rounds, supplier %s, receipt %s", p.Lot, p.Count, p.Caliber, p.Kind, orNone(p.Supplier), orNone(p.Receipt))
	case rules.AmmoVerify:
		return fmt.Sprintf("lot %s verified round by round (%s), %d rounds", p.Lot, p.Method, p.Count)
	case rules.AmmoProvenance:
		return fmt.Sprintf("provenance of lot %s recorded: supplier %s, receipt %s", p.Lot, p.Supplier, p.Receipt)
	case rules.AmmoExpend, rules.AmmoDispose:
		return fmt.Sprintf("%d rounds of lot %s %s", p.Count, p.Lot, pastTense(it.Type))
	case rules.AmmoReconcile:
		return fmt.Sprintf("lot %s counted: %d rounds (expected %d)", p.Lot, p.Counted, p.Expected)
	// The most frequent entries are worded without fmt: a long timeline is mostly
	// them.
	case rules.FirearmInspect:
		return p.Firearm + " inspected, load " + loadWords(p.Load, p.Lot, p.Rounds)
	case rules.FirearmHandoff:
		return p.Firearm + " handed to " + n(p.To) + " (awaiting their check)"
	case rules.FirearmAccept:
		return p.Firearm + " accepted; load seen: " + loadWords(p.LoadSeen, "", p.Rounds)
	case rules.FirearmRefuse:
		return fmt.Sprintf("%s refused by the receiver: %s", p.Firearm, p.Reason)
	case rules.FirearmReturn:
		return p.Firearm + " returned to the armory from " + n(p.From)
	case rules.FirearmDischarge:
		planned := "UNPLANNED"
		if p.Planned {
			planned = "planned"
		}
		return fmt.Sprintf("%s discharge of %s, %d injured", planned, p.Firearm, p.Injuries)
	case rules.RoundFound:
		return fmt.Sprintf("%s round found at %s%s", p.Kind, p.Where, prefixed(", lot ", p.Lot))
	case rules.ScenePlan:
		return fmt.Sprintf("scene %s planned: %s toward %s, protections: %s", p.Scene, strings.Join(p.Firearms, ", "), p.Toward, orNone(strings.Join(p.Protections, ", ")))
	case rules.SetCall:
		return fmt.Sprintf("%q called for %s in scene %s", p.Call, p.Firearm, p.Scene)
	case rules.SafetyMeetingHold:
		return fmt.Sprintf("safety meeting held, %d attending: %s", len(p.Attendees), ns(p.Attendees))
	case rules.BreakStart:
		return fmt.Sprintf("%s break started", p.Kind)
	case rules.ConcernFile:
		return "concern " + p.ID + " filed (" + p.Severity + ", " + p.Category + "): " + strconv.Quote(p.Text)
	case rules.ConcernAck:
		return "concern " + p.Concern + " acknowledged: " + p.Note
	case rules.ConcernResolve:
		return "concern " + p.Concern + " resolved: " + p.Action
	case rules.ConcernDismiss:
		return fmt.Sprintf("concern %s DISMISSED: %s", p.Concern, p.Reason)
	case rules.ConcernReopen:
		return fmt.Sprintf("concern %s reopened", p.Concern)
	case rules.CrewWalkoff:
		return fmt.Sprintf("walk-off (safety: %t) of %s: %s", p.Safety, ns(p.People), p.Reason)
	case rules.IncidentReport:
		return fmt.Sprintf("incident %s reported (%s): %s", p.ID, p.Kind, p.Text)
	case rules.IncidentClose:
		return fmt.Sprintf("incident %s closed; findings: %s; actions: %s", p.Incident, p.Findings, p.Actions)
	case rules.HoldClear:
		return "production hold cleared"
	case rules.HoldOverride:
		return fmt.Sprintf("hold OVERRIDDEN: %s", p.Reason)
	case rules.EventRefused:
		return fmt.Sprintf("REFUSED %s (%s): %s", p.Do, p.Rule, p.Message)
	case rules.EventFlag:
		return fmt.Sprintf("FLAG %s: %s", p.Rule, p.Message)
	case rules.EventFlagLift, rules.EventFlagExpire:
		return fmt.Sprintf("flag %d (%s) on %s ended: %s", p.Flag, p.Rule, p.Subject, p.By)
	case rules.EventIncidentOpen:
		return fmt.Sprintf("INCIDENT %s opened (%s%s)", p.ID, p.Kind, prefixed(", ", p.Firearm))
	case rules.EventHoldPlace:
		return fmt.Sprintf("HOLD %s placed%s%s", p.Hold, prefixed(" on ", p.Firearm), prefixed(": ", strings.Join(p.Reasons, "; ")))
	case rules.EventHoldLift:
		return fmt.Sprintf("hold %s lifted by %s", p.Hold, p.By)
	case rules.EventEscalation:
		return fmt.Sprintf("concern %s escalated to level %d: %s", p.Concern, p.Level, escalationTo(p, ns))
	case rules.EventHandoffCancel:
		return fmt.Sprintf("hand-over of %s to %s cancelled (%s)", p.Firearm, n(p.To), p.Rule)
	}
	return it.Type
}

func escalationTo(p *payload, ns func([]string) string) string {
	if len(p.People) == 0 {
		return fmt.Sprintf("%s (nobody on record to notify)", strings.Join(p.Roles, ", "))
	}
	return fmt.Sprintf("%s, notifying %s", strings.Join(p.Roles, ", "), ns(p.People))
}

func loadWords(load, lot string, rounds int) string {
	if load == "empty" || load == "" {
		return orNone(load)
	}
	return strconv.Itoa(rounds) + " " + load + prefixed(" from lot ", lot)
}

func certNote(until string) string { return prefixed(", armorer certification until ", until) }

func pastTense(typ string) string {
	switch typ {
	case rules.TrainingDeny:
		return "denied"
	case rules.TrainingGrant:
		return "granted"
	case rules.AmmoExpend:
		return "expended"
	case rules.AmmoDispose:
		return "disposed of"
	}
	return typ
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
