package rules

import "fmt"

func (s *State) applyRegister(e Event) (any, error) {
	p, err := decode[RegisterData](e)
	if err != nil {
		return nil, err
	}
	f := &firearm{ID: p.ID, Type: p.Type, Capability: p.Capability}
	s.firearms[p.ID] = f
	s.guns = append(s.guns, f)
	return p, nil
}

func (s *State) applyInspect(e Event) (any, error) {
	p, err := decode[InspectData](e)
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
	case FirearmHandoff:
		v, err := decode[HandoffData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case FirearmAccept:
		v, err := decode[AcceptData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case FirearmRefuse:
		v, err := decode[FirearmRefuseData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case FirearmReturn:
		v, err := decode[ReturnData](e)
		if err != nil {
			return nil, err
		}
		id, p = v.Firearm, v
	case EventHandoffCancel:
		v, err := decode[CancelData](e)
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
	case *HandoffData:
		f.PendingTo = v.To
	case *AcceptData:
		f.Holder, f.PendingTo = e.Actor, ""
		f.freshCheck = false
		if !s.isArmorer(e.Actor) {
			f.heldSince = true
		}
	case *FirearmRefuseData:
		f.PendingTo = ""
		s.refusals++
	case *ReturnData:
		f.Holder, f.PendingTo = "", ""
		f.freshCheck = false
	case *CancelData:
		f.PendingTo = ""
	}
	return p, nil
}

func (s *State) isArmorer(id string) bool {
	p := s.people[id]
	return p != nil && p.Roles["armorer"]
}
