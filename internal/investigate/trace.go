package investigate

import (
	"fmt"
	"time"

	"coldset/internal/rules"
)

// Lot is the trace of one lot of ammunition: where it came from, whether it was
// verified, and every round loaded, expended, disposed of and counted.
type Lot struct {
	Lot           string        `json:"lot"`
	Kind          string        `json:"kind"`
	Caliber       string        `json:"caliber"`
	Count         int           `json:"count"`
	Supplier      string        `json:"supplier"`
	Receipt       string        `json:"receipt"`
	Received      uint64        `json:"received_index"`
	Verified      *uint64       `json:"verified_index"` // nil: never verified round by round
	Loaded        int           `json:"rounds_loaded"`
	Expended      int           `json:"rounds_expended"`
	Disposed      int           `json:"rounds_disposed"`
	Balance       int           `json:"balance"` // received - expended - disposed
	Steps         []LotStep     `json:"steps"`
	Discrepancies []Discrepancy `json:"discrepancies"`
}

// LotStep is one entry touching a lot.
type LotStep struct {
	Index   uint64    `json:"index"`
	Time    time.Time `json:"time"`
	Type    string    `json:"type"`
	By      *Person   `json:"by,omitempty"`
	Firearm string    `json:"firearm,omitempty"`
	Rounds  int       `json:"rounds,omitempty"`
	Summary string    `json:"summary"`
}

// Discrepancy is something wrong with a lot, with the entry that shows it.
type Discrepancy struct {
	Index uint64 `json:"index"`
	Text  string `json:"text"`
}

// trace folds the entries about lots, concerns and incidents. It runs on every entry
// up to the period's end, so that a lot received before the period still shows
// where it came from.
func (b *builder) trace(it *Item, p *payload, actor *Person, cause *uint64, in bool) {
	w := b.w
	lotID := p.Lot
	if it.Type == rules.EventRefused {
		lotID = p.WithFields().Lot
	}
	if it.Type == rules.AmmoReceive {
		w.lots[p.Lot] = &Lot{Lot: p.Lot, Kind: p.Kind, Caliber: p.Caliber, Count: p.Count, Supplier: p.Supplier, Receipt: p.Receipt, Received: it.Index, Steps: []LotStep{}, Discrepancies: []Discrepancy{}}
		w.lotOrder = append(w.lotOrder, p.Lot)
	}
	if it.Type == rules.EventFlag {
		_, _, lotID, _ = facets(it, p)
	}
	if l, ok := w.lots[lotID]; ok && lotID != "" {
		b.lotStep(l, it, p, actor)
	}
	switch it.Type {
	case rules.TrainingRequest:
		b.requests[p.ID] = request{payload: *p, by: it.Actor}
	case rules.ConcernFile:
		c := &Concern{ID: p.ID, Category: p.Category, Severity: p.Severity, Text: p.Text, Filed: it.Index, At: it.Time.In(w.loc), Status: "open", Entries: []uint64{it.Index}}
		if !p.Anonymous {
			c.Reporter = actor
		}
		w.concerns[p.ID] = c
		w.filed = append(w.filed, c)
	case rules.ConcernAck, rules.ConcernResolve, rules.ConcernDismiss, rules.ConcernReopen, rules.EventEscalation:
		if c, ok := w.concerns[p.Concern]; ok {
			c.Entries = append(c.Entries, it.Index)
			switch it.Type {
			case rules.ConcernAck:
				c.Status, c.Answer = "acknowledged", p.Note
			case rules.ConcernResolve:
				c.Status, c.Answer = "resolved", p.Action
			case rules.ConcernDismiss:
				c.Status, c.Answer = "dismissed", p.Reason
			case rules.ConcernReopen:
				c.Status, c.Level, c.Answer = "open", 0, ""
			case rules.EventEscalation:
				c.Level = max(c.Level, p.Level)
			}
		}
	case rules.EventIncidentOpen, rules.IncidentReport:
		in := &Incident{ID: p.ID, Kind: p.Kind, Serious: p.Serious, Rule: p.Rule, Firearm: p.Firearm, Lot: p.Lot, Opened: it.Index, At: it.Time.In(w.loc), Cause: cause, Status: "open"}
		w.incidents[p.ID] = in
		w.incOrder = append(w.incOrder, p.ID)
	case rules.IncidentClose:
		if in, ok := w.incidents[p.Incident]; ok {
			idx := it.Index
			in.Status, in.Closed, in.ClosedBy, in.Findings, in.Actions = "closed", &idx, actor, p.Findings, p.Actions
		}
	}
}

// lotStep adds entry it to lot l's trace and notes what is wrong with it.
func (b *builder) lotStep(l *Lot, it *Item, p *payload, actor *Person) {
	s := LotStep{Index: it.Index, Time: it.Time.In(b.w.loc), Type: it.Type, By: actor, Summary: b.w.describe(it, p)}
	bad := func(format string, args ...any) {
		l.Discrepancies = append(l.Discrepancies, Discrepancy{Index: it.Index, Text: fmt.Sprintf(format, args...)})
	}
	switch it.Type {
	case rules.AmmoReceive:
		if p.Supplier == "" || p.Receipt == "" {
			bad("received without %s", rules.MissingProvenance(p.Supplier, p.Receipt))
		}
	case rules.AmmoVerify:
		idx := it.Index
		l.Verified = &idx
	case rules.AmmoProvenance:
		l.Supplier, l.Receipt = p.Supplier, p.Receipt
	case rules.FirearmInspect:
		s.Firearm, s.Rounds = p.Firearm, p.Rounds
		l.Loaded += p.Rounds
	case rules.AmmoExpend:
		s.Rounds = p.Count
		l.Expended += p.Count
	case rules.AmmoDispose:
		s.Rounds = p.Count
		l.Disposed += p.Count
	case rules.AmmoReconcile:
		s.Rounds = p.Counted
		if p.Counted != p.Expected {
			bad("counted %d rounds, expected %d", p.Counted, p.Expected)
		}
	case rules.EventRefused:
		w := p.WithFields()
		s.Firearm, s.Rounds = w.Firearm, w.Rounds
		bad("%s refused (%s): %s", p.Do, p.Rule, p.Message)
	case rules.RoundFound:
		bad("%s round found at %s", p.Kind, p.Where)
	}
	l.Steps = append(l.Steps, s)
}

// finishTraces settles the lots, concerns and incidents into the report.
func (b *builder) finishTraces() {
	w := b.w
	r := b.rep
	r.Ammunition, r.Concerns, r.Incidents = []Lot{}, []Concern{}, []Incident{}
	for _, id := range w.lotOrder {
		l := w.lots[id]
		l.Balance = l.Count - l.Expended - l.Disposed
		if used, counted := lastUse(l); used != nil && (counted == nil || *counted < *used) {
			l.Discrepancies = append(l.Discrepancies, Discrepancy{Index: *used, Text: "rounds were loaded or expended and not counted (ammo.reconcile) afterwards"})
		}
		if l.Kind == "dummy" && l.Verified == nil {
			l.Discrepancies = append(l.Discrepancies, Discrepancy{Index: l.Received, Text: "dummy lot never verified round by round"})
		}
		r.Ammunition = append(r.Ammunition, *l)
	}
	for _, id := range w.incOrder {
		r.Incidents = append(r.Incidents, *w.incidents[id])
	}
	r.Concerns = make([]Concern, 0, len(w.concerns))
	for _, c := range w.filed {
		if w.concerns[c.ID] == c { // not filed again under the same id since
			r.Concerns = append(r.Concerns, *c)
		}
	}
}

// lastUse returns the last entry that loaded or expended rounds of l, and the last
// count of it.
func lastUse(l *Lot) (used, counted *uint64) {
	for i := range l.Steps {
		s := &l.Steps[i]
		switch s.Type {
		case rules.FirearmInspect, rules.AmmoExpend:
			used = &s.Index
		case rules.AmmoReconcile:
			counted = &s.Index
		}
	}
	return used, counted
}
