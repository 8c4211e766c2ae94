package rules

import (
	"encoding/json"
	"time"
)

// Fields is the union of the fields of every event's payload (events.go), for a
// reader that reads every entry of a log once, such as an investigation: one field
// name means one thing across all event types, so one struct serves them all, and
// fields it does not know are ignored rather than fatal (a newer ledger still
// reads). Its decoder (fields_decode.go) reads the payloads coldset writes without
// reflection. A reader of a few entries uses DecodePayload instead.
type Fields struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Timezone       string             `json:"timezone"`
	Roles          []string           `json:"roles"`
	Department     string             `json:"department"`
	DepartmentHead bool               `json:"department_head"`
	CertifiedUntil string             `json:"certified_until"`
	Training       map[string]float64 `json:"training"`
	Person         string             `json:"person"`
	Kind           string             `json:"kind"`
	Until          string             `json:"until"`
	Type           string             `json:"type"`
	Hours          float64            `json:"hours"`
	Request        string             `json:"request"`
	Reason         string             `json:"reason"`
	Note           string             `json:"note"`
	Serial         string             `json:"serial"`
	Capability     string             `json:"capability"`
	Make           string             `json:"make"`
	Model          string             `json:"model"`
	Lot            string             `json:"lot"`
	Caliber        string             `json:"caliber"`
	Supplier       string             `json:"supplier"`
	Receipt        string             `json:"receipt"`
	Method         string             `json:"method"`
	Count          int                `json:"count"`
	Counted        int                `json:"counted"`
	Expected       int                `json:"expected"`
	Firearm        string             `json:"firearm"`
	Load           string             `json:"load"`
	Rounds         int                `json:"rounds"`
	To             string             `json:"to"`
	From           string             `json:"from"`
	LoadSeen       string             `json:"load_seen"`
	Concern        string             `json:"concern"`
	Planned        bool               `json:"planned"`
	Injuries       int                `json:"injuries"`
	Where          string             `json:"where"`
	Scene          string             `json:"scene"`
	Firearms       []string           `json:"firearms"`
	Toward         string             `json:"toward"`
	Protections    []string           `json:"protections"`
	DistanceFt     float64            `json:"distance_ft"`
	Call           string             `json:"call"`
	Attendees      []string           `json:"attendees"`
	Topics         []string           `json:"topics"`
	Category       string             `json:"category"`
	Severity       string             `json:"severity"`
	Text           string             `json:"text"`
	Anonymous      bool               `json:"anonymous"`
	Action         string             `json:"action"`
	People         []string           `json:"people"`
	Safety         bool               `json:"safety"`
	Incident       string             `json:"incident"`
	Findings       string             `json:"findings"`
	Actions        string             `json:"actions"`
	Serious        bool               `json:"serious"`

	// Consequence events.
	Do      string          `json:"do"`
	With    json.RawMessage `json:"with"`
	Rule    string          `json:"rule"`
	Message string          `json:"message"`
	Field   string          `json:"field"`
	Flag    int             `json:"flag"`
	Subject string          `json:"subject"`
	Ref     string          `json:"ref"`
	Expires *time.Time      `json:"expires"`
	Hold    string          `json:"hold"`
	Reasons []string        `json:"reasons"`
	By      string          `json:"by"`
	Level   int             `json:"level"`

	inner *Fields // the decoded With, once asked for
}

// DecodeFields reads a payload into Fields; one that does not decode reads as empty.
func DecodeFields(raw []byte) Fields {
	var p Fields
	DecodeFieldsInto(&p, raw)
	return p
}

// WithFields returns the attempted action's input of a refusal, decoded once.
func (p *Fields) WithFields() *Fields {
	if p.inner == nil {
		p.inner = new(Fields)
		DecodeFieldsInto(p.inner, p.With)
	}
	return p.inner
}
