package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// fillChunk bounds the entries read, and the outbox rows written, per transaction.
const fillChunk = 500

// Filler turns committed ledger entries into outbox rows. It reads the entries from
// the store, not from a live Log, so it sees exactly what is durable; it folds them
// into a state of its own to know, at each entry, the concern's deadlines and who
// holds which role. It is safe for concurrent use, and several processes may fill the
// same outbox: rows are keyed, and the cursor only moves forward.
type Filler struct {
	entries store.Store
	outbox  Store
	now     func() time.Time

	mu    sync.Mutex
	prods map[string]*follower
}

// follower is one production as the Filler has folded it so far.
type follower struct {
	mu    sync.Mutex
	state *rules.State
	next  uint64            // entries folded
	texts map[string]string // concern id -> what its reporter wrote
}

// NewFiller returns a Filler reading entries from entries and writing rows to
// outbox, with rows due at now().
func NewFiller(entries store.Store, outbox Store, now func() time.Time) *Filler {
	return &Filler{entries: entries, outbox: outbox, now: now, prods: map[string]*follower{}}
}

// FillAll fills every production and returns how many rows it offered the outbox.
func (f *Filler) FillAll(ctx context.Context) (int, error) {
	ps, err := f.entries.Productions(ctx)
	if err != nil {
		return 0, fmt.Errorf("fill outbox: %w", err)
	}
	total := 0
	for _, p := range ps {
		n, err := f.Fill(ctx, p)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Fill writes the outbox rows of production's entries from its stored cursor up to
// the store's size, and moves the cursor there. Rows are written before the cursor
// moves past their entry, in the same transaction, so an entry is never skipped.
func (f *Filler) Fill(ctx context.Context, production string) (int, error) {
	f.mu.Lock()
	fw := f.prods[production]
	if fw == nil {
		fw = newFollower()
		f.prods[production] = fw
	}
	f.mu.Unlock()
	fw.mu.Lock()
	defer fw.mu.Unlock()

	size, err := f.entries.Size(ctx, production)
	if err != nil {
		return 0, fmt.Errorf("fill outbox of %s: %w", production, err)
	}
	cursor, err := f.outbox.OutboxCursor(ctx, production)
	if err != nil {
		return 0, fmt.Errorf("fill outbox of %s: %w", production, err)
	}
	if cursor >= size && fw.next >= size {
		return 0, nil
	}
	if fw.next > cursor {
		// Entries were folded whose rows were never written (a write or a fold failed),
		// or the database was restored from an older copy: fold again from the first
		// entry, writing rows from the cursor on.
		fw.reset()
	}
	var contacts []Contact
	if cursor < size {
		if contacts, err = f.outbox.Contacts(ctx, production); err != nil {
			return 0, fmt.Errorf("fill outbox of %s: %w", production, err)
		}
	}
	total := 0
	for fw.next < size {
		to := min(fw.next+fillChunk, size)
		rows, err := f.entries.Entries(ctx, production, fw.next, to)
		if err != nil {
			return total, fmt.Errorf("fill outbox of %s: read entries: %w", production, err)
		}
		if len(rows) == 0 || rows[0].Index != fw.next {
			return total, fmt.Errorf("fill outbox of %s: entry %d is missing from the store", production, fw.next)
		}
		var msgs []Message
		for _, r := range rows {
			if r.Index != fw.next {
				return total, fmt.Errorf("fill outbox of %s: entry %d is missing from the store", production, fw.next)
			}
			e, err := ledger.DecodeEntry(r.Body)
			if err != nil {
				return total, fmt.Errorf("fill outbox of %s: entry %d: %w", production, r.Index, err)
			}
			ms, err := fw.fold(e, r.Index >= cursor, contacts)
			if err != nil {
				return total, fmt.Errorf("fill outbox of %s: entry %d: %w", production, r.Index, err)
			}
			msgs = append(msgs, ms...)
			fw.next++
		}
		if fw.next > cursor {
			if err := f.outbox.Enqueue(ctx, production, fw.next, msgs, f.now()); err != nil {
				return total, fmt.Errorf("fill outbox of %s: %w", production, err)
			}
			total += len(msgs)
		}
	}
	return total, nil
}

func newFollower() *follower {
	fw := &follower{}
	fw.reset()
	return fw
}

// reset forgets everything folded, so that the entries are folded again from the
// first. fw.mu must be held.
func (fw *follower) reset() { fw.state, fw.next, fw.texts = rules.New(), 0, map[string]string{} }

// fold applies e to the follower's state and, when send, returns its outbox rows.
func (fw *follower) fold(e ledger.Entry, send bool, contacts []Contact) ([]Message, error) {
	if e.Type == rules.ConcernFile {
		if c, err := rules.Payload[rules.ConcernData](e.Type, e.Payload); err == nil {
			fw.texts[c.ID] = c.Text
		}
	}
	if err := fw.state.Apply(rules.Event{Type: e.Type, Time: e.Time, Actor: e.Actor, Data: e.Payload}); err != nil {
		return nil, fmt.Errorf("fold %s: %w", e.Type, err)
	}
	if !send || !delivered[e.Type] {
		return nil, nil
	}
	// The open overview holds every concern a notice names (an escalated one is open)
	// and costs what is open, not the production's history.
	v := fw.state.OpenOverview()
	n, err := noticeFor(e, &v, fw.texts)
	if err != nil || n == nil {
		return nil, err
	}
	return address(e, &v, n, contacts)
}

// delivered lists the entry types that may make a notice; the rest are folded only.
var delivered = map[string]bool{
	rules.EventEscalation: true, rules.EventHoldPlace: true, rules.EventHoldLift: true,
	rules.EventIncidentOpen: true, rules.IncidentReport: true, rules.EventFlag: true,
}

// webhookBody is the JSON a webhook receives. Delivery is the same for every attempt
// at one row, so a receiver can drop a repeat.
type webhookBody struct {
	Delivery       string         `json:"delivery"`
	Production     string         `json:"production"`
	ProductionName string         `json:"production_name"`
	Index          uint64         `json:"index"`
	Event          string         `json:"event"`
	Time           time.Time      `json:"time"`
	Subject        string         `json:"subject"`
	Text           string         `json:"text"`
	Details        map[string]any `json:"details"`
}

// address turns a notice into one row per contact and channel, and a no-contact row
// for each recipient nobody can reach.
func address(e ledger.Entry, v *rules.Overview, n *notice, contacts []Contact) ([]Message, error) {
	reach, gaps := recipients(contacts, n.People, n.Roles)
	subject := "[coldset] " + v.Name + ": " + n.Subject
	text := strings.Join(n.Lines, "\n") + fmt.Sprintf("\n\n-- \nEntry %d of the ledger of production %s, recorded %s.\n",
		e.Index, e.Production, localTime(v, e.Time))
	base := Message{Production: e.Production, Index: e.Index, Event: e.Type, Subject: subject, Status: StatusPending}
	var out []Message
	for _, c := range reach {
		if c.Email != "" {
			m := base
			m.Contact, m.Channel, m.Address = c.ID, ChannelEmail, c.Email
			m.Body = []byte(text)
			out = append(out, m)
		}
		if c.WebhookURL != "" {
			m := base
			m.Contact, m.Channel, m.Address, m.Secret = c.ID, ChannelWebhook, c.WebhookURL, c.WebhookSecret
			body, err := json.Marshal(webhookBody{Delivery: m.Key(), Production: e.Production, ProductionName: v.Name,
				Index: e.Index, Event: e.Type, Time: e.Time.UTC(), Subject: subject, Text: text, Details: n.Facts})
			if err != nil {
				return nil, fmt.Errorf("encode webhook body: %w", err)
			}
			m.Body = body
			out = append(out, m)
		}
	}
	for _, g := range gaps {
		m := base
		m.Contact, m.Channel, m.Status = g, ChannelNone, StatusNoContact
		m.Body = []byte(text)
		out = append(out, m)
	}
	return out, nil
}
