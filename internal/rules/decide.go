package rules

import (
	"encoding/json"
	"time"
)

// decision builds the events of one command against a State it only reads.
type decision struct {
	s   *State
	by  Actor
	cmd Command
	now time.Time

	evs  []Event
	pays []any // the typed payload of each event, for the forward play of the risk

	nextFlag int            // the last flag number used
	opened   map[string]int // incidents opened in this decision, per kind
}

// actions maps each action of SCENARIOS.md to its decision.
var noExpiry time.Time

var actions = map[string]func(*decision) *refusal{
	ProductionCreate:    (*decision).decideCreate,
	PersonAdd:           (*decision).decidePersonAdd,
	PersonRoles:         (*decision).decidePersonRoles,
	CertificationRecord: (*decision).decideCertification,
	TrainingRecord:      (*decision).decideTrainingRecord,
	TrainingRequest:     (*decision).decideTrainingRequest,
	TrainingDeny:        (*decision).decideTrainingDeny,
	TrainingGrant:       (*decision).decideTrainingGrant,
	FirearmRegister:     (*decision).decideRegister,
	AmmoReceive:         (*decision).decideReceive,
	AmmoVerify:          (*decision).decideVerify,
	AmmoProvenance:      (*decision).decideProvenance,
	AmmoExpend:          (*decision).decideExpend,
	AmmoDispose:         (*decision).decideDispose,
	AmmoReconcile:       (*decision).decideReconcile,
	FirearmInspect:      (*decision).decideInspect,
	FirearmHandoff:      (*decision).decideHandoff,
	FirearmAccept:       (*decision).decideAccept,
	FirearmRefuse:       (*decision).decideFirearmRefuse,
	FirearmReturn:       (*decision).decideReturn,
	FirearmDischarge:    (*decision).decideDischarge,
	RoundFound:          (*decision).decideRoundFound,
	ScenePlan:           (*decision).decideScenePlan,
	SetCall:             (*decision).decideCall,
	SafetyMeetingHold:   (*decision).decideMeeting,
	BreakStart:          (*decision).decideBreak,
	ConcernFile:         (*decision).decideConcernFile,
	ConcernAck:          (*decision).decideConcernAck,
	ConcernResolve:      (*decision).decideConcernResolve,
	ConcernDismiss:      (*decision).decideConcernDismiss,
	ConcernReopen:       (*decision).decideConcernReopen,
	CrewWalkoff:         (*decision).decideWalkoff,
	IncidentReport:      (*decision).decideIncidentReport,
	IncidentClose:       (*decision).decideIncidentClose,
	HoldClear:           (*decision).decideHoldClear,
	HoldOverride:        (*decision).decideHoldOverride,
}

// Actions lists the names of every action, for callers that document or route them.
func Actions() []string { return sortedKeys(actions) }

// Decide checks command c by actor by at time now against the state and returns what
// it makes happen: the action's event followed by its consequences (flags, incidents,
// holds, escalations), or a single "refused" event naming the rule that stopped it.
// The one exception is show-and-confirm, whose refusal is followed by the consequences
// that rule prescribes (the hand-over cancelled, a load-mismatch incident).
//
// Decide does not modify s: the caller applies the events once they are durable. The
// caller must first Tick to now, so that every deadline up to now is in the state.
func (s *State) Decide(by Actor, c Command, now time.Time) []Event {
	d := &decision{s: s, by: by, cmd: c, now: now.UTC(), nextFlag: s.flagSeq, opened: map[string]int{}}
	if by.Anonymous {
		d.by.Person = ""
	}
	ref := d.run()
	if ref == nil {
		d.settle()
		return d.evs
	}
	out := []Event{d.refused(ref)}
	if ref.keep {
		d.settle()
		out = append(out, d.evs...)
	}
	return out
}

func (d *decision) run() *refusal {
	h, ok := actions[d.cmd.Do]
	if !ok {
		return invalid("do", "%q is not an action (see the actions of SCENARIOS.md)", d.cmd.Do)
	}
	if !d.s.created && d.cmd.Do != ProductionCreate {
		return invalid("do", "the production does not exist yet: production.create comes first")
	}
	return h(d)
}

// emit appends an event done by the actor; rule appends one that the rules did in
// consequence, which carries no actor.
func (d *decision) emit(typ string, p any) { d.add(typ, d.by.Person, p) }
func (d *decision) rule(typ string, p any) { d.add(typ, "", p) }

func (d *decision) add(typ, actor string, p any) {
	data, err := json.Marshal(p)
	if err != nil {
		// Every payload is a plain struct of strings, numbers and lists.
		panic("rules: encode " + typ + ": " + err.Error())
	}
	d.evs = append(d.evs, Event{Type: typ, Time: d.now, Actor: actor, Data: data})
	d.pays = append(d.pays, p)
}

// settle plays the decision's events forward on a copy of the risk state and, when a
// red reason appears that has not placed the hold yet, places risk-red-hold.
func (d *decision) settle() {
	r := d.s.risk.clone()
	for i, ev := range d.evs {
		r.apply(ev.Type, d.pays[i])
	}
	if u := r.unseen(); len(u) > 0 {
		d.rule(EventHoldPlace, &HoldData{Hold: RiskRedHold, Reasons: u})
	}
}

func (d *decision) refused(ref *refusal) Event {
	p := RefusedData{Do: d.cmd.Do, Rule: ref.Rule, Message: ref.Message, Field: ref.Field}
	if len(d.cmd.With) > 0 {
		if json.Valid(d.cmd.With) {
			p.With = d.cmd.With
		} else {
			p.With = string(d.cmd.With)
		}
	}
	data, err := json.Marshal(p)
	if err != nil {
		p.With = string(d.cmd.With)
		data, _ = json.Marshal(p)
	}
	return Event{Type: EventRefused, Time: d.now, Actor: d.by.Person, Data: data}
}

// raise raises a flag; expires is zero for flags an action lifts. Whether it counts as
// a firearm flag follows from its rule, except for concern-dismissed, whose caller says.
func (d *decision) raise(rule, subject, ref string, expires time.Time, msg string) {
	d.raiseFlag(rule, subject, ref, firearmFlagRules[rule], expires, msg)
}

func (d *decision) raiseFlag(rule, subject, ref string, firearmFlag bool, expires time.Time, msg string) {
	d.nextFlag++
	p := &FlagData{Flag: d.nextFlag, Rule: rule, Subject: subject, Ref: ref, FirearmFlag: firearmFlag, Message: msg}
	if !expires.IsZero() {
		t := expires.UTC()
		p.Expires = &t
	}
	d.rule(EventFlag, p)
}

// lift ends the active flags of rule on subject (those keep matches, or all).
func (d *decision) lift(rule, subject string, keep func(*flag) bool) {
	for _, n := range sortedKeys(d.s.bySubject[rule+"/"+subject]) {
		f := d.s.flags[n]
		if keep == nil || keep(f) {
			d.rule(EventFlagLift, &FlagLiftData{Flag: n, Rule: rule, Subject: subject, FirearmFlag: f.FirearmFlag, By: d.cmd.Do})
		}
	}
}

// openIncident opens an incident of a rule's kind with the id <kind>-<n>.
func (d *decision) openIncident(kind, rule string, p IncidentData) string {
	n := d.s.kindCount[kind] + d.opened[kind]
	for {
		n++
		id := kind + "-" + itoa(n)
		if d.s.incidents[id] == nil {
			d.opened[kind] = n - d.s.kindCount[kind]
			p.ID, p.Kind, p.Serious, p.Rule = id, kind, Serious(kind), rule
			d.rule(EventIncidentOpen, &p)
			return id
		}
	}
}
