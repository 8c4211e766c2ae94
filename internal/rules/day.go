package rules

import (
	"fmt"
	"strings"
)

// The shooting day: the safety meeting, scene plans, hot and cold calls, breaks and wrap.

func (d *decision) decideMeeting() *refusal {
	r := readWith(d.cmd.With, "attendees", "topics")
	p := MeetingData{Attendees: r.list("attendees", true, true), Topics: r.list("topics", false, false)}
	for _, id := range p.Attendees {
		if r.bad == nil && d.s.people[id] == nil {
			r.fail("attendees", "names %s, who was never added to the production", id)
		}
	}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	for _, id := range p.Attendees {
		if ref := d.named("with.attendees", id); ref != nil {
			return ref
		}
	}
	d.emit(SafetyMeetingHold, &p)
	return nil
}

func (d *decision) decideScenePlan() *refusal {
	r := readWith(d.cmd.With, "scene", "firearms", "toward", "protections", "distance_ft")
	p := SceneData{
		Scene:       r.id("scene", true, true),
		Firearms:    r.list("firearms", true, true),
		Toward:      r.enum("toward", true, towards...),
		Protections: r.list("protections", false, false, protectionList...),
		DistanceFt:  r.number("distance_ft", false, maxDistanceFt),
	}
	var capable []*firearm
	for _, id := range p.Firearms {
		f := d.s.firearms[id]
		if f == nil && r.bad == nil {
			r.fail("firearms", "names %s, which is not a registered firearm", id)
		}
		if f != nil && f.Capability != "non_firing" {
			capable = append(capable, f)
		}
	}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	if ref := lineOfFire(p, capable); ref != nil {
		return ref
	}
	d.emit(ScenePlan, &p)
	return nil
}

// lineOfFire checks the protections of a plan that points firearms capable of firing
// toward the camera or a person.
func lineOfFire(p SceneData, capable []*firearm) *refusal {
	if p.Toward == "none" || len(capable) == 0 {
		return nil
	}
	if contains(p.Protections, "shields") && contains(p.Protections, "remote_monitor") {
		return nil
	}
	var ids []string
	allBlank := true
	for _, f := range capable {
		ids = append(ids, f.ID)
		allBlank = allBlank && f.Capability == "blank_fire"
	}
	if contains(p.Protections, "min_distance") && p.DistanceFt >= minDistanceFt && allBlank {
		return nil
	}
	return refuse(LineOfFire, "scene %s points %s toward the %s without protection: list shields and remote_monitor, or (for blank-fire firearms only) min_distance with distance_ft of at least %d",
		p.Scene, strings.Join(ids, ", "), p.Toward, minDistanceFt)
}

func (d *decision) decideCall() *refusal {
	r := readWith(d.cmd.With, "call", "firearm", "scene")
	p := CallData{Call: r.enum("call", true, "hot", "cold")}
	f := d.knownFirearm(r, "firearm")
	p.Scene = r.id("scene", true, true)
	if r.bad != nil {
		return r.bad
	}
	p.Firearm = f.ID
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	if p.Call == "hot" {
		if ref := d.holdRefusal(f); ref != nil {
			return ref
		}
		if !d.s.scenes[p.Scene][f.ID] {
			return refuse(LineOfFire, "scene %s has no accepted plan listing %s; plan the scene with its protections (scene.plan) before calling it hot", p.Scene, f.ID)
		}
	} else if ref := d.coldCallVerified(f); ref != nil {
		return ref
	}
	d.emit(SetCall, &p)
	return nil
}

// coldCallVerified: inspected since the last custody change, empty or verified dummies.
func (d *decision) coldCallVerified(f *firearm) *refusal {
	if !f.freshCheck {
		return refuse(ColdCallVerified, "the armorer has not inspected %s since it last changed hands; inspect it (firearm.inspect) before calling it cold", f.ID)
	}
	switch l := d.s.lots[f.Lot]; {
	case f.Load == "empty":
		return nil
	case f.Load == "dummy" && l != nil && l.Verified:
		return nil
	case f.Load == "dummy":
		return refuse(ColdCallVerified, "%s is loaded from dummy lot %s, which is not verified; it can be called cold only empty or with verified dummies", f.ID, f.Lot)
	}
	return refuse(ColdCallVerified, "%s was last recorded loaded with %s; it can be called cold only when the armorer records it empty or loaded with verified dummies", f.ID, f.Load)
}

func (d *decision) decideBreak() *refusal {
	r := readWith(d.cmd.With, "kind")
	p := BreakData{Kind: r.enum("kind", true, "meal", "wrap")}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	d.emit(BreakStart, &p)
	for _, f := range d.s.guns {
		if f.Holder == "" {
			continue
		}
		msg := fmt.Sprintf("%s was with %s, not in the armory, when the %s started", f.ID, f.Holder, p.Kind)
		id := d.openIncident(IncidentUnsecuredFirearm, SecureAtBreak, IncidentData{Firearm: f.ID, Text: msg})
		d.raise(SecureAtBreak, f.ID, id, noExpiry, msg)
		d.rule(EventHoldPlace, &HoldData{Hold: SecureAtBreak, Ref: id, Firearm: f.ID})
	}
	if p.Kind == "wrap" {
		today := d.s.dayOf(d.now)
		for _, l := range d.s.lotList {
			if l.usedDay == today && !l.countedOK {
				d.raise(RoundCount, l.ID, "", noExpiry, fmt.Sprintf("lot %s was opened today and not counted after its last use before wrap", l.ID))
			}
		}
	}
	return nil
}

func (s *State) applyScenePlan(e Event) (any, error) {
	p, err := decode[SceneData](e)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(p.Firearms))
	for _, id := range p.Firearms {
		set[id] = true
	}
	s.scenes[p.Scene] = set
	return p, nil
}

func (s *State) applyMeeting(e Event) (any, error) {
	p, err := decode[MeetingData](e)
	if err != nil {
		return nil, err
	}
	if day := s.dayOf(e.Time); day != s.meetingDay {
		s.meetingDay, s.attended = day, map[string]bool{}
	}
	for _, id := range p.Attendees {
		s.attended[id] = true
	}
	return p, nil
}
