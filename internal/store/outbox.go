package store

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// The records of delivery, as both backends keep them: contacts, outbox rows and
// their attempts. Package notify fills and delivers them and names them too.

// Statuses of an outbox row.
const (
	StatusPending   = "pending"   // waiting for its next attempt
	StatusDelivered = "delivered" // an attempt succeeded; never sent again
	StatusNoContact = "no_contact"
)

// ErrClaimLost reports that a claim ran out and another deliverer took the row
// over: the attempt is not recorded, since the other deliverer owns the row now.
var ErrClaimLost = errors.New("outbox claim lost")

// Contact is one way to reach someone about a production: a person on it (Person) or
// someone outside it with a role (Role), by e-mail, by webhook, or both. The JSON
// form is what the backends store and what the API shows.
type Contact struct {
	ID            string `json:"id"`
	Person        string `json:"person,omitempty"`
	Role          string `json:"role,omitempty"`
	Name          string `json:"name,omitempty"`
	Email         string `json:"email,omitempty"`
	WebhookURL    string `json:"webhook_url,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"` // HMAC-SHA256 key of X-Coldset-Signature
}

// Message is one outbox row as it is enqueued: what goes to one contact on one
// channel about the ledger entry at Index.
type Message struct {
	Production string
	Index      uint64
	Event      string // the entry's type
	Contact    string // contact id; "person:ID" or "role:ROLE" for a recipient with no contact
	Channel    string
	Address    string // e-mail address or webhook URL
	Secret     string // webhook secret, taken when the row is written
	Subject    string
	Body       []byte // the e-mail's text, or the webhook's exact JSON body
	Status     string // StatusPending, or StatusNoContact for a recipient with no channel
}

// Key names the row: delivering it twice would send the same thing twice.
func (m Message) Key() string {
	return m.Production + "/" + strconv.FormatUint(m.Index, 10) + "/" + m.Contact + "/" + m.Channel
}

// Delivery is an outbox row with its state and the attempts made so far.
type Delivery struct {
	ID int64
	Message
	Created   time.Time
	NextAt    time.Time
	Tries     int // attempts made so far
	Delivered *time.Time
	Attempts  []Attempt
	Claim     string // the lease token of the deliverer holding it
}

// Attempt is one try at delivering a row.
type Attempt struct {
	At    time.Time `json:"at"`
	OK    bool      `json:"ok"`
	Error string    `json:"error,omitempty"`
}

// Outbox keeps contacts, the outbox and its cursors. Every method is one
// transaction, safe for concurrent use by several processes.
type Outbox interface {
	// Contacts returns production's contacts in the order they were set (none: empty).
	Contacts(ctx context.Context, production string) ([]Contact, error)
	// SetContacts replaces production's contacts.
	SetContacts(ctx context.Context, production string, cs []Contact) error
	// OutboxCursor returns the first ledger index of production not yet turned into
	// outbox rows.
	OutboxCursor(ctx context.Context, production string) (uint64, error)
	// Enqueue writes msgs, skipping any whose key is already stored, and moves the
	// cursor of production up to next (never down), in one transaction. Rows are due
	// at now.
	Enqueue(ctx context.Context, production string, next uint64, msgs []Message, now time.Time) error
	// Claim leases up to limit pending rows due at or before now whose earlier lease,
	// if any, ended at or before now: no two claimers hold one row at once. Each
	// returned Delivery carries its Claim token; the lease ends at now+lease.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// Finish records attempt a of a claimed row and releases it: delivered if a.OK,
	// else pending again, due at retry. ErrClaimLost if the row's claim is no longer
	// d.Claim.
	Finish(ctx context.Context, d Delivery, a Attempt, retry time.Time) error
	// Deliveries lists production's rows with their attempts, newest entry first.
	Deliveries(ctx context.Context, production string) ([]Delivery, error)
}
