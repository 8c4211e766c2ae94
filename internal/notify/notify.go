// Package notify tells people what the rules raised: every escalation of a concern,
// every hold placed or lifted, every producer override and every serious incident
// goes to the production's contacts by e-mail (SMTP) and by webhook (a JSON POST
// signed with the contact's secret).
//
// Delivery goes through an outbox in the database. A Filler scans each production's
// committed ledger entries from a cursor kept in the database and writes one outbox
// row per (entry, contact, channel), keyed so that scanning again writes nothing new;
// the rows and the new cursor are committed together, so a crash anywhere loses
// nothing. Deliverers claim due rows under a lease, send them, and record every
// attempt; a failed attempt is retried with exponential backoff, for as long as it
// takes. A Scheduler ticks every production at its next deadline, so escalations are
// raised at the deadline itself.
package notify

import "coldset/internal/store"

// Contact roles for people outside the production's roster. People on the
// production are contacts by their person id.
const (
	RoleStudioSafety = "studio_safety"
	RoleUnionSafety  = "union_safety_representative"
	RoleWitness      = "witness"
)

// Channels of an outbox row. ChannelNone records that a recipient the rules named
// has no way to be reached, so that the gap shows in the delivery record.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
	ChannelNone    = "none"
)

// Statuses of an outbox row.
const (
	StatusPending   = store.StatusPending   // waiting for its next attempt
	StatusDelivered = store.StatusDelivered // an attempt succeeded; never sent again
	StatusNoContact = store.StatusNoContact
)

// ErrLost reports that a claim ran out and another deliverer took the row over: the
// attempt is not recorded, since the other deliverer owns the row now.
var ErrLost = store.ErrClaimLost

// The records are the store's: both backends keep them as they are.
type (
	// Contact is one way to reach someone about a production: a person on it
	// (Person) or someone outside it with a role (Role), by e-mail, by webhook, or
	// both.
	Contact = store.Contact
	// Message is one outbox row as the Filler writes it: what goes to one contact on
	// one channel about the ledger entry at Index.
	Message = store.Message
	// Delivery is an outbox row with its state and the attempts made so far.
	Delivery = store.Delivery
	// Attempt is one try at delivering a row.
	Attempt = store.Attempt
)

// Store keeps contacts, the outbox and its cursors: the contract is store.Outbox,
// which both backends implement.
type Store = store.Outbox
