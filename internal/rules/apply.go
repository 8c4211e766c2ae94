package rules

import (
	"encoding/json"
	"fmt"
	"time"
)

// appliers fold each event type into the state. Each returns the decoded payload, which
// Apply then plays into the risk state.
var appliers map[string]func(*State, Event) (any, error)

func init() {
	appliers = map[string]func(*State, Event) (any, error){
		ProductionCreate:    (*State).applyProduction,
		PersonAdd:           (*State).applyPersonAdd,
		PersonRoles:         (*State).applyPersonRoles,
		CertificationRecord: (*State).applyCertification,
		TrainingRecord:      (*State).applyTrainingRecord,
		TrainingRequest:     (*State).applyTrainingRequest,
		TrainingDeny:        (*State).applyTrainingDecision,
		TrainingGrant:       (*State).applyTrainingDecision,
		FirearmRegister:     (*State).applyRegister,
		AmmoReceive:         (*State).applyReceive,
		AmmoVerify:          (*State).applyLot,
		AmmoProvenance:      (*State).applyLot,
		AmmoExpend:          (*State).applyLot,
		AmmoDispose:         (*State).applyLot,
		AmmoReconcile:       (*State).applyLot,
		FirearmInspect:      (*State).applyInspect,
		FirearmHandoff:      (*State).applyCustody,
		FirearmAccept:       (*State).applyCustody,
		FirearmRefuse:       (*State).applyCustody,
		FirearmReturn:       (*State).applyCustody,
		EventHandoffCancel:  (*State).applyCustody,
		FirearmDischarge:    recordOnly,
		RoundFound:          (*State).applyRoundFound,
		ScenePlan:           (*State).applyScenePlan,
		SetCall:             recordOnly,
		SafetyMeetingHold:   (*State).applyMeeting,
		BreakStart:          recordOnly,
		ConcernFile:         (*State).applyConcernFile,
		ConcernAck:          (*State).applyConcernAct,
		ConcernResolve:      (*State).applyConcernAct,
		ConcernDismiss:      (*State).applyConcernAct,
		ConcernReopen:       (*State).applyConcernAct,
		CrewWalkoff:         recordOnly,
		IncidentReport:      (*State).applyIncidentReport,
		IncidentClose:       (*State).applyIncidentClose,
		HoldClear:           recordOnly,
		HoldOverride:        recordOnly,
		EventRefused:        recordOnly,
		EventFlag:           (*State).applyFlag,
		EventFlagLift:       (*State).applyFlagLift,
		EventFlagExpire:     (*State).applyFlagLift,
		EventIncidentOpen:   (*State).applyIncidentOpen,
		EventHoldPlace:      (*State).applyHold,
		EventHoldLift:       (*State).applyHold,
		EventEscalation:     (*State).applyEscalation,
	}
}

// Apply folds one event into the state: an event Decide or Tick returned, or one read
// back from the ledger. Events must be applied in ledger order. An error means the event
// does not fit the state (unknown type, undecodable payload, unknown firearm...); the
// state is then unchanged except for what the event's own fields already set.
func (s *State) Apply(e Event) error {
	fn := appliers[e.Type]
	if fn == nil {
		return fmt.Errorf("apply: unknown event type %q", e.Type)
	}
	if !s.created && e.Type != ProductionCreate && e.Type != EventRefused {
		return fmt.Errorf("apply %s: the production was not created", e.Type)
	}
	p, err := fn(s, e)
	if err != nil {
		return fmt.Errorf("apply %s: %w", e.Type, err)
	}
	s.risk.apply(e.Type, p)
	return nil
}

func decode[T any](e Event) (*T, error) {
	p := new(T)
	var err error
	if fd, ok := any(p).(fieldDecoder); ok {
		err = eachField(e.Data, fd.decodeField)
	} else {
		err = json.Unmarshal(e.Data, p)
	}
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return p, nil
}

// recordOnly applies events that change nothing but the record (their consequences are
// events of their own): there is nothing to fold, so their payload is not decoded.
func recordOnly(*State, Event) (any, error) { return nil, nil }

func (s *State) applyProduction(e Event) (any, error) {
	p, err := decode[ProductionData](e)
	if err != nil {
		return nil, err
	}
	if s.created {
		return nil, fmt.Errorf("production %s already exists", s.prod.ID)
	}
	return p, s.applyCreate(p)
}

func (s *State) applyFlag(e Event) (any, error) {
	p, err := decode[FlagData](e)
	if err != nil {
		return nil, err
	}
	f := &flag{N: p.Flag, Rule: p.Rule, Subject: p.Subject, Ref: p.Ref, FirearmFlag: p.FirearmFlag, At: e.Time}
	if p.Expires != nil {
		f.Expires = *p.Expires
		s.timed[f.N] = f
	}
	s.flags[f.N] = f
	key := f.Rule + "/" + f.Subject
	if s.bySubject[key] == nil {
		s.bySubject[key] = map[int]*flag{}
	}
	s.bySubject[key][f.N] = f
	s.flagSeq = max(s.flagSeq, f.N)
	return p, nil
}

func (s *State) applyFlagLift(e Event) (any, error) {
	p, err := decode[FlagLiftData](e)
	if err != nil {
		return nil, err
	}
	f := s.flags[p.Flag]
	if f == nil {
		return nil, fmt.Errorf("flag %d is not active", p.Flag)
	}
	delete(s.flags, f.N)
	delete(s.timed, f.N)
	key := f.Rule + "/" + f.Subject
	delete(s.bySubject[key], f.N)
	if len(s.bySubject[key]) == 0 {
		delete(s.bySubject, key)
	}
	return p, nil
}

func (s *State) applyIncidentOpen(e Event) (any, error) {
	p, err := decode[IncidentData](e)
	if err != nil {
		return nil, err
	}
	s.kindCount[p.Kind]++
	s.openIncident(p.ID, p.Kind, p.Serious, e.Time)
	return p, nil
}

func (s *State) openIncident(id, kind string, serious bool, at time.Time) {
	in := &incident{ID: id, Kind: kind, Serious: serious, Open: true, At: at}
	s.indexIncident(in)
	s.incidents[id] = in
	s.openInc[id] = in
}

func (s *State) applyHold(e Event) (any, error) {
	p, err := decode[HoldData](e)
	if err != nil {
		return nil, err
	}
	list := &s.holds
	if p.Firearm != "" {
		f := s.firearms[p.Firearm]
		if f == nil {
			return nil, fmt.Errorf("unknown firearm %q", p.Firearm)
		}
		list = &f.Holds
	}
	if e.Type == EventHoldPlace {
		for _, h := range *list {
			if h.ID == p.Hold && h.Ref == p.Ref {
				return p, nil // already placed: a new red reason under a placed hold
			}
		}
		*list = append(*list, hold{ID: p.Hold, Ref: p.Ref, Firearm: p.Firearm, At: e.Time})
		return p, nil
	}
	kept := (*list)[:0]
	for _, h := range *list {
		if h.ID != p.Hold || h.Ref != p.Ref {
			kept = append(kept, h)
		}
	}
	*list = kept
	return p, nil
}

func errUnknown(what, id string) error { return fmt.Errorf("unknown %s %q", what, id) }

// mustEvent encodes an event the rules produce; its payload is a plain struct.
func mustEvent(typ string, at time.Time, p any) Event {
	data, err := json.Marshal(p)
	if err != nil {
		panic("rules: encode " + typ + ": " + err.Error())
	}
	return Event{Type: typ, Time: at.UTC(), Data: data}
}
