package rules

import "time"

// Event types. An accepted action is recorded as an event whose type is the action's name
// (for example "firearm.handoff"), with its input checked and normalised as the payload.
// What the rules do in consequence follows as events of the types below, so that the
// ledger says not only what people did but what coldset did about it.
const (
	// EventRefused records a refused action: who tried what, and which rule stopped it.
	EventRefused = "refused"
	// EventFlag raises a flag; EventFlagLift and EventFlagExpire end it (by an action,
	// or at the flag's deadline).
	EventFlag       = "flag"
	EventFlagLift   = "flag.lift"
	EventFlagExpire = "flag.expire"
	// EventIncidentOpen opens an incident of a kind a rule names.
	EventIncidentOpen = "incident.open"
	// EventHoldPlace and EventHoldLift place and lift a hold on the production or on one
	// firearm.
	EventHoldPlace = "hold.place"
	EventHoldLift  = "hold.lift"
	// EventEscalation raises a concern to the next level of concern-sla.
	EventEscalation = "escalation"
	// EventHandoffCancel cancels a hand-over (show-and-confirm).
	EventHandoffCancel = "handoff.cancel"
)

// RefusedData is the payload of a "refused" event.
type RefusedData struct {
	Do      string `json:"do"`
	With    any    `json:"with,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type FlagData struct {
	Flag        int        `json:"flag"`
	Rule        string     `json:"rule"`
	Subject     string     `json:"subject"`
	Ref         string     `json:"ref,omitempty"`
	FirearmFlag bool       `json:"firearm_flag,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
	Message     string     `json:"message,omitempty"`
}

type FlagLiftData struct {
	Flag        int    `json:"flag"`
	Rule        string `json:"rule"`
	Subject     string `json:"subject"`
	FirearmFlag bool   `json:"firearm_flag,omitempty"`
	By          string `json:"by,omitempty"` // the action or "expired"
}

type IncidentData struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Serious bool   `json:"serious"`
	Rule    string `json:"rule,omitempty"`
	Firearm string `json:"firearm,omitempty"`
	Lot     string `json:"lot,omitempty"`
	Text    string `json:"text,omitempty"`
}

type HoldData struct {
	Hold    string   `json:"hold"`
	Ref     string   `json:"ref,omitempty"`
	Firearm string   `json:"firearm,omitempty"`
	Reasons []string `json:"reasons,omitempty"` // risk-red-hold: the red reasons it newly covers
	By      string   `json:"by,omitempty"`      // hold.lift: the action that lifted it
}

type EscalationData struct {
	Concern string   `json:"concern"`
	Level   int      `json:"level"`
	Roles   []string `json:"roles"`
	People  []string `json:"people"`
}

type CancelData struct {
	Firearm string `json:"firearm"`
	To      string `json:"to"`
	Rule    string `json:"rule,omitempty"`
}

// Payloads of the actions, as recorded.

type ProductionData struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Timezone string     `json:"timezone"`
	Config   ConfigData `json:"config"`
}

type ConfigData struct {
	InspectWindow   string      `json:"inspect_window"`
	ArmorerDualRole string      `json:"armorer_dual_role"`
	TrainingHours   HoursConfig `json:"training_hours"`
}

type HoursConfig struct {
	Any       float64 `json:"any"`
	BlankFire float64 `json:"blank_fire"`
}

type PersonData struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Roles          []string           `json:"roles"`
	Department     string             `json:"department,omitempty"`
	DepartmentHead bool               `json:"department_head,omitempty"`
	CertifiedUntil string             `json:"certified_until,omitempty"`
	Training       map[string]float64 `json:"training,omitempty"`
}

type RolesData struct {
	Person string   `json:"person"`
	Roles  []string `json:"roles"`
}

type CertData struct {
	Person string `json:"person"`
	Kind   string `json:"kind"`
	Until  string `json:"until"`
}

type TrainingData struct {
	Person string  `json:"person"`
	Type   string  `json:"type"`
	Hours  float64 `json:"hours"`
}

type RequestData struct {
	ID    string  `json:"id"`
	Type  string  `json:"type"`
	Hours float64 `json:"hours"`
	Note  string  `json:"note,omitempty"`
}

type DecisionData struct {
	Request string `json:"request"`
	Reason  string `json:"reason,omitempty"`
}

type RegisterData struct {
	ID         string `json:"id"`
	Serial     string `json:"serial"`
	Type       string `json:"type"`
	Capability string `json:"capability"`
	Make       string `json:"make,omitempty"`
	Model      string `json:"model,omitempty"`
}

type ReceiveData struct {
	Lot      string `json:"lot"`
	Kind     string `json:"kind"`
	Caliber  string `json:"caliber"`
	Count    int    `json:"count"`
	Supplier string `json:"supplier,omitempty"`
	Receipt  string `json:"receipt,omitempty"`
}

type VerifyData struct {
	Lot    string `json:"lot"`
	Method string `json:"method"`
	Count  int    `json:"count"`
}

type ProvenanceData struct {
	Lot      string `json:"lot"`
	Supplier string `json:"supplier"`
	Receipt  string `json:"receipt"`
}

type RoundsData struct {
	Lot   string `json:"lot"`
	Count int    `json:"count"`
}

type ReconcileData struct {
	Lot      string `json:"lot"`
	Counted  int    `json:"counted"`
	Expected int    `json:"expected"`
}

type InspectData struct {
	Firearm string `json:"firearm"`
	Load    string `json:"load"`
	Lot     string `json:"lot,omitempty"`
	Rounds  int    `json:"rounds,omitempty"`
}

type HandoffData struct {
	Firearm string `json:"firearm"`
	To      string `json:"to"`
}

type AcceptData struct {
	Firearm  string `json:"firearm"`
	LoadSeen string `json:"load_seen"`
	Rounds   int    `json:"rounds"`
}

type FirearmRefuseData struct {
	Firearm string `json:"firearm"`
	Reason  string `json:"reason"`
	Concern string `json:"concern"`
}

type ReturnData struct {
	Firearm string `json:"firearm"`
	From    string `json:"from"`
}

type DischargeData struct {
	Firearm  string `json:"firearm"`
	Planned  bool   `json:"planned"`
	Injuries int    `json:"injuries"`
}

type RoundFoundData struct {
	Kind  string `json:"kind"`
	Where string `json:"where"`
	Lot   string `json:"lot,omitempty"`
}

type SceneData struct {
	Scene       string   `json:"scene"`
	Firearms    []string `json:"firearms"`
	Toward      string   `json:"toward"`
	Protections []string `json:"protections"`
	DistanceFt  float64  `json:"distance_ft,omitempty"`
}

type CallData struct {
	Call    string `json:"call"`
	Firearm string `json:"firearm"`
	Scene   string `json:"scene"`
}

type MeetingData struct {
	Attendees []string `json:"attendees"`
	Topics    []string `json:"topics"`
}

type BreakData struct {
	Kind string `json:"kind"`
}

type ConcernData struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Text     string `json:"text"`
	// Anonymous concerns store no identity: the event has no actor, and only the
	// SHA-256 of the reporter's receipt code is kept, to recognise a reopening.
	Anonymous     bool   `json:"anonymous,omitempty"`
	ReceiptSHA256 string `json:"receipt_sha256,omitempty"`
	Firearm       string `json:"firearm,omitempty"` // a concern filed by firearm.refuse
}

type ConcernActData struct {
	Concern string `json:"concern"`
	Note    string `json:"note,omitempty"`
	Action  string `json:"action,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

type WalkoffData struct {
	People []string `json:"people"`
	Reason string   `json:"reason"`
	Safety bool     `json:"safety"`
}

type ReportData struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Serious bool   `json:"serious"`
}

type CloseData struct {
	Incident string `json:"incident"`
	Findings string `json:"findings"`
	Actions  string `json:"actions"`
}

type HoldActionData struct {
	Reason string `json:"reason,omitempty"`
}
