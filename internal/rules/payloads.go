package rules

import (
	"encoding/json"
	"fmt"
)

// payloads makes the empty payload of each event type, for DecodePayload.
var payloads = map[string]func() any{
	ProductionCreate:    func() any { return new(ProductionData) },
	PersonAdd:           func() any { return new(PersonData) },
	PersonRoles:         func() any { return new(RolesData) },
	CertificationRecord: func() any { return new(CertData) },
	TrainingRecord:      func() any { return new(TrainingData) },
	TrainingRequest:     func() any { return new(RequestData) },
	TrainingDeny:        func() any { return new(DecisionData) },
	TrainingGrant:       func() any { return new(DecisionData) },
	FirearmRegister:     func() any { return new(RegisterData) },
	AmmoReceive:         func() any { return new(ReceiveData) },
	AmmoVerify:          func() any { return new(VerifyData) },
	AmmoProvenance:      func() any { return new(ProvenanceData) },
	AmmoExpend:          func() any { return new(RoundsData) },
	AmmoDispose:         func() any { return new(RoundsData) },
	AmmoReconcile:       func() any { return new(ReconcileData) },
	FirearmInspect:      func() any { return new(InspectData) },
	FirearmHandoff:      func() any { return new(HandoffData) },
	FirearmAccept:       func() any { return new(AcceptData) },
	FirearmRefuse:       func() any { return new(FirearmRefuseData) },
	FirearmReturn:       func() any { return new(ReturnData) },
	FirearmDischarge:    func() any { return new(DischargeData) },
	RoundFound:          func() any { return new(RoundFoundData) },
	ScenePlan:           func() any { return new(SceneData) },
	SetCall:             func() any { return new(CallData) },
	SafetyMeetingHold:   func() any { return new(MeetingData) },
	BreakStart:          func() any { return new(BreakData) },
	ConcernFile:         func() any { return new(ConcernData) },
	ConcernAck:          func() any { return new(ConcernActData) },
	ConcernResolve:      func() any { return new(ConcernActData) },
	ConcernDismiss:      func() any { return new(ConcernActData) },
	ConcernReopen:       func() any { return new(ConcernActData) },
	ConcernReply:        func() any { return new(ConcernReplyData) },
	CrewWalkoff:         func() any { return new(WalkoffData) },
	IncidentReport:      func() any { return new(ReportData) },
	IncidentClose:       func() any { return new(CloseData) },
	HoldClear:           func() any { return new(HoldActionData) },
	HoldOverride:        func() any { return new(HoldActionData) },
	EventRefused:        func() any { return new(RefusedData) },
	EventFlag:           func() any { return new(FlagData) },
	EventFlagLift:       func() any { return new(FlagLiftData) },
	EventFlagExpire:     func() any { return new(FlagLiftData) },
	EventIncidentOpen:   func() any { return new(IncidentData) },
	EventHoldPlace:      func() any { return new(HoldData) },
	EventHoldLift:       func() any { return new(HoldData) },
	EventEscalation:     func() any { return new(EscalationData) },
	EventHandoffCancel:  func() any { return new(CancelData) },
}

// DecodePayload decodes the payload of an event of type eventType in full, texts
// included, as a pointer to its type: *ConcernData for ConcernFile, *HoldActionData
// for HoldOverride, and so on. It is the one reading of recorded payloads for every
// package outside the rules. An unknown type or a payload that does not decode is an
// error.
func DecodePayload(eventType string, payload []byte) (any, error) {
	mk := payloads[eventType]
	if mk == nil {
		return nil, fmt.Errorf("decode payload: unknown event type %q", eventType)
	}
	p := mk()
	if err := json.Unmarshal(payload, p); err != nil {
		return nil, fmt.Errorf("decode %s payload: %w", eventType, err)
	}
	return p, nil
}

// Payload decodes the payload of an event of type eventType as a T, the way
// DecodePayload does; it fails when eventType's payload is not a T.
func Payload[T any](eventType string, payload []byte) (*T, error) {
	v, err := DecodePayload(eventType, payload)
	if err != nil {
		return nil, err
	}
	p, ok := v.(*T)
	if !ok {
		return nil, fmt.Errorf("decode %s payload: it is a %T, not a %T", eventType, v, p)
	}
	return p, nil
}
