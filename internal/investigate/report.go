package investigate

import "time"

// Report is the investigation report of one production over a period. Its JSON form
// is what `coldset report --format json` writes; the HTML and PDF forms print it.
// Every finding cites ledger indexes, and Checkpoint says which signed state of the
// log the report was built from.
type Report struct {
	Title        string      `json:"title"`
	Production   Production  `json:"production"`
	Period       Period      `json:"period"`
	Checkpoint   Checkpoint  `json:"checkpoint"`
	Filter       *Filter     `json:"filter,omitempty"`
	Incident     *Incident   `json:"incident,omitempty"` // the incident the report is about, with --incident
	State        State       `json:"state"`
	FailureChain []Safeguard `json:"failure_chain"`
	Overrides    []Override  `json:"overrides"`
	Ammunition   []Lot       `json:"ammunition"`
	Incidents    []Incident  `json:"incidents"`
	Concerns     []Concern   `json:"concerns"`
	People       []Person    `json:"people"`
	Timeline     []Event     `json:"timeline"`
}

// Production names the production.
type Production struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

// Period is the stretch of the log a report covers: entries whose time is within
// [From, To], which are the indexes First..Last. Entries before it still inform the
// report (who held which role, which lots were received) but raise no finding.
type Period struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	First   *uint64   `json:"first_index"` // nil when the period holds no entry
	Last    *uint64   `json:"last_index"`
	Entries int       `json:"entries"`
}

// Filter narrows the timeline; the other sections are never filtered.
type Filter struct {
	Firearm string `json:"firearm,omitempty"`
	Lot     string `json:"lot,omitempty"`
	Person  string `json:"person,omitempty"`
	Kind    string `json:"kind,omitempty"` // an entry type, e.g. "refused" or "firearm.handoff"
}

// State is the production's state at the end of the period, as the rules compute it.
type State struct {
	AtIndex     *uint64  `json:"at_index"` // the last entry folded
	Risk        string   `json:"risk"`
	RiskReasons []string `json:"risk_reasons"`
	Holds       []string `json:"holds"`
}

// Person is someone on the production with the roles they held at the time cited.
type Person struct {
	ID    string   `json:"id,omitempty"`
	Name  string   `json:"name"`
	Roles []string `json:"roles,omitempty"`
}

// Safeguard is one rule of RULES.md and what became of it on this production.
type Safeguard struct {
	Rule     string    `json:"rule"`
	Title    string    `json:"title"`
	Status   string    `json:"status"` // held | failed | bypassed | absent
	First    *uint64   `json:"first_index"`
	Findings []Finding `json:"findings"`
}

// Safeguard statuses, from the least to the most serious.
const (
	Held     = "held"     // no refusal, flag, override or dismissal, and in place
	Absent   = "absent"   // never in place: a role nobody held, a contact nobody named
	Failed   = "failed"   // a refusal (an unsafe step attempted) or a flag
	Bypassed = "bypassed" // an override or a dismissal let work go on past it
)

// Finding is one thing the ledger shows about a safeguard.
type Finding struct {
	Outcome  string    `json:"outcome"` // failed | bypassed | absent
	Kind     string    `json:"kind"`    // refused | flag | incident | escalation | override | dismissal | cancel | absent
	Index    uint64    `json:"index"`   // the entry that shows it
	Entries  []uint64  `json:"entries"` // every entry cited, in index order
	Time     time.Time `json:"time"`
	Summary  string    `json:"summary"`
	Reason   string    `json:"reason,omitempty"` // as typed by the person who decided
	People   []Actor   `json:"people"`
	Firearm  string    `json:"firearm,omitempty"`
	Lot      string    `json:"lot,omitempty"`
	Concern  string    `json:"concern,omitempty"`
	Incident string    `json:"incident,omitempty"`
	Status   string    `json:"status,omitempty"` // of the incident or concern at the period's end
}

// Actor is a person in a finding and what they did in it.
type Actor struct {
	Person
	Part string `json:"part"` // acted | named | notified
}

// Override is a producer's override of a hold, a dismissed concern or a denied
// training request: a decision to go on, with the reason as it was typed.
type Override struct {
	Kind    string    `json:"kind"` // hold.override | concern.dismiss | training.deny
	Index   uint64    `json:"index"`
	Entries []uint64  `json:"entries"`
	Time    time.Time `json:"time"`
	By      Person    `json:"by"`
	Reason  string    `json:"reason"`
	Over    string    `json:"over"` // what was overridden, in words
}

// Event is one entry of the timeline.
type Event struct {
	Index   uint64    `json:"index"`
	Time    time.Time `json:"time"`
	Type    string    `json:"type"`
	Actor   *Person   `json:"actor,omitempty"` // nil: coldset did it
	Summary string    `json:"summary"`
	Rule    string    `json:"rule,omitempty"`
	Firearm string    `json:"firearm,omitempty"`
	Lot     string    `json:"lot,omitempty"`
	People  []string  `json:"people,omitempty"` // everyone the entry names
	Cause   *uint64   `json:"cause,omitempty"`  // the entry this one follows from
}

// Incident is an incident and what became of it.
type Incident struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Serious  bool      `json:"serious"`
	Rule     string    `json:"rule,omitempty"`
	Firearm  string    `json:"firearm,omitempty"`
	Lot      string    `json:"lot,omitempty"`
	Opened   uint64    `json:"opened_index"`
	At       time.Time `json:"opened_at"`
	Cause    *uint64   `json:"cause_index,omitempty"`
	Status   string    `json:"status"` // open | closed
	Closed   *uint64   `json:"closed_index,omitempty"`
	ClosedBy *Person   `json:"closed_by,omitempty"`
	Findings string    `json:"findings,omitempty"`
	Actions  string    `json:"actions,omitempty"`
}

// Concern is a concern and its handling.
type Concern struct {
	ID       string    `json:"id"`
	Category string    `json:"category"`
	Severity string    `json:"severity"`
	Text     string    `json:"text"`
	Reporter *Person   `json:"reporter,omitempty"` // nil when anonymous
	Filed    uint64    `json:"filed_index"`
	At       time.Time `json:"filed_at"`
	Status   string    `json:"status"` // open | acknowledged | resolved | dismissed
	Level    int       `json:"level"`  // highest escalation level reached
	Entries  []uint64  `json:"entries"`
	Answer   string    `json:"answer,omitempty"` // the acknowledgement note, action or dismissal reason
}
