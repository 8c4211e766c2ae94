package investigate

import (
	"errors"
	"fmt"
	"strings"

	"coldset/internal/rules"
)

// override records a person's decision to go on past a safeguard: a producer's hold
// override, a concern dismissed, a training request denied. The reason is quoted as
// it was typed.
func (b *builder) override(it *Item, p *payload, actor *Person) {
	var over string
	switch it.Type {
	case rules.HoldOverride:
		over = "production hold risk-red-hold"
		if h, ok := b.redHoldAt[it.Index]; ok {
			over = fmt.Sprintf("production hold risk-red-hold placed at entry %d (%s)", h.index, strings.Join(h.reasons, "; "))
		}
	case rules.ConcernDismiss:
		over = "concern " + p.Concern
		if c, ok := b.w.concerns[p.Concern]; ok {
			over = fmt.Sprintf("concern %s (%s, %s): %q", c.ID, c.Severity, c.Category, c.Text)
		}
	case rules.TrainingDeny:
		over = "training request " + p.Request
		if q, ok := b.requests[p.Request]; ok {
			over = fmt.Sprintf("training request %s by %s: %g h of %s (%s)", p.Request, b.w.person(q.by).Name, q.Hours, q.Type, q.Note)
		}
	default:
		return
	}
	// Entries gains the decision's consequences (the hold lifted, the flag) as they
	// are folded.
	o := Override{Kind: it.Type, Index: it.Index, Entries: []uint64{it.Index}, Time: it.Time.In(b.w.loc), Reason: p.Reason, Over: over}
	if actor != nil {
		o.By = *actor
	}
	b.overrides[it.Index] = len(b.rep.Overrides)
	b.rep.Overrides = append(b.rep.Overrides, o)
}

type request struct {
	payload
	by string
}

// incidentPeriod ends the period of an incident report when the incident was closed
// (or at the checkpoint while it is open), unless the caller chose an end.
func incidentPeriod(rec *Record, opts *Options) error {
	found := false
	var p payload
	for i := range rec.Entries {
		it := &rec.Entries[i]
		if !strings.HasPrefix(it.Type, "incident.") {
			continue
		}
		p = payload{}
		rules.DecodeFieldsInto(&p, it.Payload)
		switch {
		case (it.Type == rules.EventIncidentOpen || it.Type == rules.IncidentReport) && p.ID == opts.Incident:
			found = true
		case it.Type == rules.IncidentClose && p.Incident == opts.Incident && found && opts.To.IsZero():
			opts.To = it.Time
		}
	}
	if !found {
		return fmt.Errorf("report %s: %w: incident %q", rec.Production, ErrNotFound, opts.Incident)
	}
	return nil
}

// ErrNotFound reports an incident, production or entry the record does not hold.
var ErrNotFound = errors.New("not found")
