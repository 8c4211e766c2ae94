// Package rules is the safety protocol of RULES.md as pure code: the state of a
// production as a fold over its events, and the decision of each command against
// (state, command, now). It does no I/O and reads no clock.
package rules

import (
	"encoding/json"
	"time"
)

// Command is one action of SCENARIOS.md as it arrives: the action's name and its
// "with" map, still encoded.
type Command struct {
	Do   string          `json:"do"`
	With json.RawMessage `json:"with,omitempty"`
}

// Actor is who acts. Person is empty for the deployment itself (setting up a
// production and its people) and for an anonymous reporter, who is known only by the
// receipt code the caller generated for them.
type Actor struct {
	Person    string
	Anonymous bool
	Receipt   string // anonymous concern.file (the new code) and concern.reopen
}

// Event is one thing that happened: the type and payload of one ledger entry.
type Event struct {
	Type  string          `json:"type"`
	Time  time.Time       `json:"time"`
	Actor string          `json:"actor,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	// Index is the ledger index of the event's entry, when the event is applied as
	// that entry; 0 when it is not known (index 0 is always the production's creation).
	// The state keeps it for the concerns, so that their words can be read back from
	// exactly their entries (State.ConcernEntries).
	Index uint64 `json:"-"`
}

// Escalation is one escalation level reached by a concern.
type Escalation struct {
	Concern string `json:"concern"`
	Level   int    `json:"level"`
}

// Result summarises what one decision or tick produced, for callers that report it.
type Result struct {
	Outcome     string       `json:"outcome"` // "ok" or "refused"
	Rule        string       `json:"rule,omitempty"`
	Message     string       `json:"message,omitempty"`
	Field       string       `json:"field,omitempty"`
	Flags       []string     `json:"flags"`
	Incidents   []string     `json:"incidents"` // kinds opened
	Escalations []Escalation `json:"escalations"`
}

// Risk is the production's risk level ("green", "amber" or "red") with its reasons in
// words, most serious first.
type Risk struct {
	Level   string   `json:"level"`
	Reasons []string `json:"reasons"`
}

// Risk levels.
const (
	Green = "green"
	Amber = "amber"
	Red   = "red"
)

// Outcomes of a decision.
const (
	OK      = "ok"
	Refused = "refused"
)
