package rules

import (
	"fmt"
	"time"
)

// The chain of custody of a firearm: register, inspect, hand over, accept or refuse,
// return, and discharges.

func (d *decision) decideRegister() *refusal {
	r := readWith(d.cmd.With, "id", "serial", "type", "capability", "make", "model")
	p := RegisterData{
		ID:         r.id("id", true, false),
		Serial:     r.text("serial"),
		Type:       r.enum("type", true, firearmTypes...),
		Capability: r.enum("capability", true, capabilities...),
		Make:       r.optText("make"),
		Model:      r.optText("model"),
	}
	if r.bad != nil {
		return r.bad
	}
	if d.s.firearms[p.ID] != nil {
		return invalid("with.id", "firearm %s is already registered", p.ID)
	}
	if ref := d.armorer(); ref != nil {
		return ref
	}
	d.emit(FirearmRegister, &p)
	return nil
}

func (d *decision) decideInspect() *refusal {
	r := readWith(d.cmd.With, "firearm", "load", "lot", "rounds")
	f := d.knownFirearm(r, "firearm")
	p := InspectData{Load: r.enum("load", true, loads...)}
	var l *lot
	if p.Load == "empty" {
		if r.raw("lot") != nil {
			r.fail("lot", "must be left out when the firearm is empty")
		}
		if r.integer("rounds", false, 0, maxRounds, 0) != 0 {
			r.fail("rounds", "must be 0 when the firearm is empty")
		}
	} else if p.Load != "" {
		l = d.knownLot(r, "lot", true)
		p.Rounds = r.integer("rounds", true, 1, maxRounds, 0)
		if l != nil && l.Kind != p.Load {
			r.fail("lot", "names lot %s, which holds %s rounds, not %s", l.ID, l.Kind, p.Load)
		}
	}
	if r.bad != nil {
		return r.bad
	}
	p.Firearm = f.ID
	if ref := d.armorer(); ref != nil {
		return ref
	}
	if l != nil {
		p.Lot = l.ID
		if l.Kind == "dummy" && !l.Verified {
			return refuse(DummyVerified, "dummy lot %s is not verified round by round; the armorer must verify it (ammo.verify) before loading from it", l.ID)
		}
		if l.Supplier == "" || l.Receipt == "" {
			return refuse(KnownSupplier, "lot %s has no recorded supplier and receipt; the armorer must record its provenance (ammo.provenance) before loading from it", l.ID)
		}
	}
	d.emit(FirearmInspect, &p)
	// The armorer's inspection lifts a secure-at-break hold on the firearm.
	for _, h := range f.Holds {
		d.rule(EventHoldLift, &HoldData{Hold: h.ID, Ref: h.Ref, Firearm: f.ID, By: d.cmd.Do})
	}
	d.lift(SecureAtBreak, f.ID, nil)
	return nil
}

func (d *decision) decideHandoff() *refusal {
	r := readWith(d.cmd.With, "firearm", "to")
	f := d.knownFirearm(r, "firearm")
	to := d.knownPerson(r, "to")
	if r.bad != nil {
		return r.bad
	}
	if to == f.Holder {
		return invalid("with.to", "%s already holds %s", to, f.ID)
	}
	var giver *person
	var ref *refusal
	if f.Holder == "" {
		if giver, ref = d.member(); ref == nil && !giver.Roles["armorer"] {
			ref = refuse(RoleRequired, "%s is in the armory, and only an armorer hands a firearm out of it; %s is %s", f.ID, giver.ID, andWords(sortedKeys(giver.Roles)))
		}
	} else if giver, ref = d.member(); ref == nil && giver.ID != f.Holder {
		ref = refuse(RoleRequired, "%s holds %s; only they may hand it over", f.Holder, f.ID)
	}
	if ref != nil {
		return ref
	}
	if ref := d.named("with.to", to); ref != nil {
		return ref
	}
	if f.Holder == "" {
		if ref := d.certified(giver); ref != nil {
			return ref
		}
	}
	if ref := d.holdRefusal(f); ref != nil {
		return ref
	}
	if ref := d.inspectedForHandoff(f); ref != nil {
		return ref
	}
	if ref := d.mayReceive(f, d.s.people[to]); ref != nil {
		return ref
	}
	d.emit(FirearmHandoff, &HandoffData{Firearm: f.ID, To: to})
	return nil
}

func (d *decision) decideAccept() *refusal {
	r := readWith(d.cmd.With, "firearm", "load_seen", "rounds")
	f := d.knownFirearm(r, "firearm")
	p := AcceptData{LoadSeen: r.enum("load_seen", true, loads...)}
	p.Rounds = r.integer("rounds", p.LoadSeen != "empty", 0, maxRounds, 0)
	if r.bad != nil {
		return r.bad
	}
	p.Firearm = f.ID
	me, ref := d.receiver(f, "accept")
	if ref != nil {
		return ref
	}
	if ref := d.holdRefusal(f); ref != nil {
		return ref
	}
	if ref := d.inspectedForHandoff(f); ref != nil {
		return ref
	}
	if p.LoadSeen != f.Load || p.Rounds != f.Rounds {
		d.rule(EventHandoffCancel, &CancelData{Firearm: f.ID, To: me.ID, Rule: ShowAndConfirm})
		id := d.openIncident(IncidentLoadMismatch, ShowAndConfirm, IncidentData{Firearm: f.ID,
			Text: fmt.Sprintf("%s declared %s; the armorer recorded %s", me.ID, loadWords(p.LoadSeen, p.Rounds), loadWords(f.Load, f.Rounds))})
		ref := refuse(ShowAndConfirm, "%s declared %s but the armorer recorded %s: the hand-over is cancelled and incident %s is open; %s stays with %s, to be inspected again",
			me.ID, loadWords(p.LoadSeen, p.Rounds), loadWords(f.Load, f.Rounds), id, f.ID, holderWords(f.Holder))
		ref.keep = true
		return ref
	}
	if ref := d.mayReceive(f, me); ref != nil {
		return ref
	}
	d.emit(FirearmAccept, &p)
	return nil
}

func (d *decision) decideFirearmRefuse() *refusal {
	r := readWith(d.cmd.With, "firearm", "reason")
	f := d.knownFirearm(r, "firearm")
	reason := r.text("reason")
	if r.bad != nil {
		return r.bad
	}
	me, ref := d.receiver(f, "refuse")
	if ref != nil {
		return ref
	}
	id := ""
	for n := d.s.refusals + 1; ; n++ {
		if id = "refusal-" + itoa(n); d.s.concerns[id] == nil {
			break
		}
	}
	d.emit(FirearmRefuse, &FirearmRefuseData{Firearm: f.ID, Reason: reason, Concern: id})
	d.fileConcern(&ConcernData{ID: id, Category: "firearms", Severity: "high", Text: reason, Firearm: f.ID}, me)
	return nil
}

func (d *decision) decideReturn() *refusal {
	r := readWith(d.cmd.With, "firearm")
	f := d.knownFirearm(r, "firearm")
	if r.bad != nil {
		return r.bad
	}
	if f.Holder == "" {
		return invalid("with.firearm", "%s is already in the armory", f.ID)
	}
	if ref := d.armorer(); ref != nil {
		return ref
	}
	d.emit(FirearmReturn, &ReturnData{Firearm: f.ID, From: f.Holder})
	return nil
}

func (d *decision) decideDischarge() *refusal {
	r := readWith(d.cmd.With, "firearm", "planned", "injuries")
	f := d.knownFirearm(r, "firearm")
	p := DischargeData{Planned: r.boolean("planned", true), Injuries: r.integer("injuries", false, 0, maxPeople, 0)}
	if r.bad != nil {
		return r.bad
	}
	p.Firearm = f.ID
	if _, ref := d.member(); ref != nil {
		return ref
	}
	d.emit(FirearmDischarge, &p)
	if !p.Planned {
		id := d.openIncident(IncidentUnplannedDischarge, DischargeStopsWork, IncidentData{Firearm: f.ID})
		d.rule(EventHoldPlace, &HoldData{Hold: DischargeStopsWork, Ref: id})
	}
	if p.Injuries > 0 {
		d.openIncident(IncidentInjury, DischargeStopsWork, IncidentData{Firearm: f.ID, Text: fmt.Sprintf("%d injured", p.Injuries)})
	}
	return nil
}

// inspectedForHandoff is inspect-before-handoff.
func (d *decision) inspectedForHandoff(f *firearm) *refusal {
	w := d.s.prod.cfg.InspectWindow
	switch age := d.now.Sub(f.InspectedAt); {
	case !f.Inspected:
		return refuse(InspectBeforeHandoff, "%s has not been inspected; the armorer must inspect it and record its load (firearm.inspect) first", f.ID)
	case age > w:
		return refuse(InspectBeforeHandoff, "%s was inspected %s ago, more than the %s allowed; the armorer must inspect it again", f.ID, minutes(age), minutes(w))
	case f.heldSince:
		return refuse(InspectBeforeHandoff, "someone other than an armorer has held %s since its last inspection; the armorer must inspect it again", f.ID)
	}
	return nil
}

// mayReceive is training-required and safety-meeting-first for the receiver.
func (d *decision) mayReceive(f *firearm, to *person) *refusal {
	cfg := d.s.prod.cfg
	if !to.Roles["armorer"] {
		if have := to.Training[f.Type]; have < cfg.AnyHours {
			return refuse(TrainingRequired, "%s has %g hours of %s training on record and needs %g; record their training (training.record) first", to.ID, have, f.Type, cfg.AnyHours)
		}
		if have := to.Training["blank_fire"]; f.Load == "blank" && have < cfg.BlankFireHours {
			return refuse(TrainingRequired, "%s is loaded with blanks and %s has %g hours of blank_fire training on record, not %g; record their training (training.record) first", f.ID, to.ID, have, cfg.BlankFireHours)
		}
	}
	if d.s.meetingDay != d.s.dayOf(d.now) {
		return refuse(SafetyMeetingFirst, "no safety meeting has been held today; the first AD or the armorer must hold one (safety_meeting.hold) before any firearm leaves the armory")
	}
	if !d.s.attended[to.ID] {
		return refuse(SafetyMeetingFirst, "%s was not at today's safety meeting and may not receive a firearm today", to.ID)
	}
	return nil
}

func loadWords(load string, rounds int) string {
	if load == "empty" {
		return "empty"
	}
	return fmt.Sprintf("%s, %d rounds", load, rounds)
}

func holderWords(h string) string {
	if h == "" {
		return "the armory"
	}
	return h
}

func minutes(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return d.Round(time.Second).String()
}

// receiver returns the caller when f is being handed to them; only the person a
// firearm is handed to may accept or refuse it (verb), and only while it is.
func (d *decision) receiver(f *firearm, verb string) (*person, *refusal) {
	if f.PendingTo == "" {
		return nil, invalid("with.firearm", "%s is not being handed to anyone; its holder hands it over first (firearm.handoff)", f.ID)
	}
	me, ref := d.member()
	if ref != nil {
		return nil, ref
	}
	if me.ID != f.PendingTo {
		return nil, refuse(RoleRequired, "%s is being handed to %s; only they may %s it", f.ID, f.PendingTo, verb)
	}
	return me, nil
}
