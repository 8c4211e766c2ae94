package rules

import "fmt"

func (s *State) applyRegister(e Event) (any, error) {
	p, err := decode[registerData](e)
	if err != nil {
		return nil, err
	}
	f := &firearm{ID: p.ID, Type: p.Type, Capability: p.Capability}
	s.firearms[p.ID] = f
	s.guns = append(s.guns, f)
	return p, nil
}

func (s *State) applyInspect(e Event) (any, error) {
	p, err := decode[inspectData](e)
	if err != nil {
		return nil, err
	}
	f := s.firearms[p.Firearm]
	if f == nil {
		return nil, fmt.Errorf("unknown firearm %q", p.Firearm)
	}
	f.Inspected, f.InspectedAt = true, e.Time
	f.Load, f.Lot, f.Rounds = p.Load, p.Lot, p.Rounds
	f.heldSince = f.Holder != "" && !s.isArmorer(f.Holder)
	f.freshCheck = true
	if l := s.lots[p.Lot]; l != nil {
		l.used(s.dayOf(e.Time))
	}
	return p, nil
}

// applyCustody folds hand-overs, acceptances, refusals, cancellations and returns.
func (s *State) applyCustody(e Event) (any, error) {
	var id string
	var p any
	switch e.Type {
	case "firearm.handoff":
		v, err := decode[handoffData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case "firearm.accept":
		v, err := decode[acceptData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case "firearm.refuse":
		v, err := decode[firearmRefuseData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case "firearm.return":
		v, err := decode[returnData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case EventHandoffCancel:
		v, err := decode[cancelData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	}
	f := s.firearms[id]
	if f == nil {
		return nil, fmt.Errorf("unknown firearm %q", id)
	}
	switch v := p.(type) {
	case *handoffData:
		f.PendingTo = v.To
	case *acceptData:
		f.Holder, f.PendingTo = e.Actor, ""
		f.freshCheck = false
		if !s.isArmorer(e.Actor) {
			f.heldSince = true
		}
	case *firearmRefuseData:
		f.PendingTo = ""
		s.refusals++
	case *returnData:
		f.Holder, f.PendingTo = "", ""
		f.freshCheck = false
	case *cancelData:
		f.PendingTo = ""
	}
	return p, nil
}

func (s *State) isArmorer(id string) bool {
	p := s.people[id]
	return p != nil && p.Roles["armorer"]
}
