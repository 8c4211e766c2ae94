package investigate

import (
	"encoding/json"

	"coldset/internal/rules"
)

// payload is an entry's payload as the investigation reads it: the union of every
// payload's fields (rules.Fields), decoded once per entry.
type payload = rules.Fields

// decodePayload reads a payload; a payload that does not decode reads as empty, so
// that the entry still shows in the timeline by its type.
func decodePayload(raw json.RawMessage) payload { return rules.DecodeFields(raw) }

// Event types the rules emit in consequence of an action or a deadline
// (rules/events.go). They carry no actor: coldset did them.
var consequenceTypes = map[string]bool{
	rules.EventFlag: true, rules.EventFlagLift: true, rules.EventFlagExpire: true, rules.EventIncidentOpen: true,
	rules.EventHoldPlace: true, rules.EventHoldLift: true, rules.EventEscalation: true, rules.EventHandoffCancel: true,
}

// deadlineTypes are raised by the clock, not by an action.
var deadlineTypes = map[string]bool{rules.EventEscalation: true, rules.EventFlagExpire: true}
