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

// refusedData is the payload of a "refused" event.
type refusedData struct {
	Do      string `json:"do"`
	With    any    `json:"with,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type flagData struct {
	Flag        int        `json:"flag"`
	Rule        string     `json:"rule"`
	Subject     string     `json:"subject"`
	Ref         string     `json:"ref,omitempty"`
	FirearmFlag bool       `json:"firearm_flag,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
	Message     string     `json:"message,omitempty"`
}

type flagLiftData struct {
	Flag        int    `json:"flag"`
	Rule        string `json:"rule"`
	Subject     string `json:"subject"`
	FirearmFlag bool   `json:"firearm_flag,omitempty"`
	By          string `json:"by,omitempty"` // the action or "expired"
}

type incidentData struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Serious bool   `json:"serious"`
	Rule    string `json:"rule,omitempty"`
	Firearm string `json:"firearm,omitempty"`
	Lot     string `json:"lot,omitempty"`
	Text    string `json:"text,omitempty"`
}

type holdData struct {
	Hold    string   `json:"hold"`
	Ref     string   `json:"ref,omitempty"`
	Firearm string   `json:"firearm,omitempty"`
	Reasons []string `json:"reasons,omitempty"` // risk-red-hold: the red reasons it newly covers
	By      string   `json:"by,omitempty"`      // hold.lift: the action that lifted it
}

type escalationData struct {
	Concern string   `json:"concern"`
	Level   int      `json:"level"`
	Roles   []string `json:"roles"`
	People  []string `json:"people"`
}

type cancelData struct {
	Firearm string `json:"firearm"`
	To      string `json:"to"`
	Rule    string `json:"rule,omitempty"`
}

// Payloads of the actions, as recorded.

type productionData struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Timezone string     `json:"timezone"`
	Config   configData `json:"config"`
}

type configData struct {
	InspectWindow   string        `json:"inspect_window"`
	ArmorerDualRole string        `json:"armorer_dual_role"`
	TrainingHours   trainingHours `json:"training_hours"`
}

type trainingHours struct {
	Any       float64 `json:"any"`
	BlankFire float64 `json:"blank_fire"`
}

type personData struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Roles          []string           `json:"roles"`
	Department     string             `json:"department,omitempty"`
	DepartmentHead bool               `json:"department_head,omitempty"`
	CertifiedUntil string             `json:"certified_until,omitempty"`
	Training       map[string]float64 `json:"training,omitempty"`
}

type rolesData struct {
	Person string   `json:"person"`
	Roles  []string `json:"roles"`
}

type certData struct {
	Person string `json:"person"`
	Kind   string `json:"kind"`
	Until  string `json:"until"`
}

type trainingData struct {
	Person string  `json:"person"`
	Type   string  `json:"type"`
	Hours  float64 `json:"hours"`
}

type requestData struct {
	ID    string  `json:"id"`
	Type  string  `json:"type"`
	Hours float64 `json:"hours"`
	Note  string  `json:"note,omitempty"`
}

type decisionData struct {
	Request string `json:"request"`
	Reason  string `json:"reason,omitempty"`
}

type registerData struct {
	ID         string `json:"id"`
	Serial     string `json:"serial"`
	Type       string `json:"type"`
	Capability string `json:"capability"`
	Make       string `json:"make,omitempty"`
	Model      string `json:"model,omitempty"`
}

type receiveData struct {
	Lot      string `json:"lot"`
	Kind     string `json:"kind"`
	Caliber  string `json:"caliber"`
	Count    int    `json:"count"`
	Supplier string `json:"supplier,omitempty"`
	Receipt  string `json:"receipt,omitempty"`
}

type verifyData struct {
	Lot    string `json:"lot"`
	Method string `json:"method"`
	Count  int    `json:"count"`
}

type provenanceData struct {
	Lot      string `json:"lot"`
	Supplier string `json:"supplier"`
	Receipt  string `json:"receipt"`
}

type roundsData struct {
	Lot   string `json:"lot"`
	Count int    `json:"count"`
}

type reconcileData struct {
	Lot      string `json:"lot"`
	Counted  int    `json:"counted"`
	Expected int    `json:"expected"`
}

type inspectData struct {
	Firearm string `json:"firearm"`
	Load    string `json:"load"`
	Lot     string `json:"lot,omitempty"`
	Rounds  int    `json:"rounds,omitempty"`
}

type handoffData struct {
	Firearm string `json:"firearm"`
	To      string `json:"to"`
}

type acceptData struct {
	Firearm  string `json:"firearm"`
	LoadSeen string `json:"load_seen"`
	Rounds   int    `json:"rounds"`
}

type firearmRefuseData struct {
	Firearm string `json:"firearm"`
	Reason  string `json:"reason"`
	Concern string `json:"concern"`
}

type returnData struct {
	Firearm string `json:"firearm"`
	From    string `json:"from"`
}

type dischargeData struct {
	Firearm  string `json:"firearm"`
	Planned  bool   `json:"planned"`
	Injuries int    `json:"injuries"`
}

type roundFoundData struct {
	Kind  string `json:"kind"`
	Where string `json:"where"`
	Lot   string `json:"lot,omitempty"`
}

type sceneData struct {
	Scene       string   `json:"scene"`
	Firearms    []string `json:"firearms"`
	Toward      string   `json:"toward"`
	Protections []string `json:"protections"`
	DistanceFt  float64  `json:"distance_ft,omitempty"`
}

type callData struct {
	Call    string `json:"call"`
	Firearm string `json:"firearm"`
	Scene   string `json:"scene"`
}

type meetingData struct {
	Attendees []string `json:"attendees"`
	Topics    []string `json:"topics"`
}

type breakData struct {
	Kind string `json:"kind"`
}

type concernData struct {
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

type concernActData struct {
	Concern string `json:"concern"`
	Note    string `json:"note,omitempty"`
	Action  string `json:"action,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

type walkoffData struct {
	People []string `json:"people"`
	Reason string   `json:"reason"`
	Safety bool     `json:"safety"`
}

type reportData struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Serious bool   `json:"serious"`
}

type closeData struct {
	Incident string `json:"incident"`
	Findings string `json:"findings"`
	Actions  string `json:"actions"`
}

type holdActionData struct {
	Reason string `json:"reason,omitempty"`
}
