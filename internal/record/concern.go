package record

import (
	"context"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

// ConcernThread reads concern id's own entries from l, oldest first: its filing,
// answers, replies, reopenings and escalations, found by the indexes at that the rules'
// state keeps of them (rules.State.ConcernEntries). It costs the concern's thread, not
// the log, and finds the words of a concern however old it is.
func ConcernThread(ctx context.Context, l *ledger.Log, at []uint64, id string) ([]Entry, error) {
	es, err := Entries(ctx, l, at)
	if err != nil {
		return nil, err
	}
	out := es[:0]
	for _, e := range es {
		if concernOf(e.Payload) == id {
			out = append(out, e)
		}
	}
	return out, nil
}

// concernOf returns the concern an entry's payload is about, or "".
func concernOf(p any) string {
	switch p := p.(type) {
	case *rules.ConcernData:
		return p.ID
	case *rules.ConcernActData:
		return p.Concern
	case *rules.ConcernReplyData:
		return p.Concern
	case *rules.EscalationData:
		return p.Concern
	case *rules.FirearmRefuseData:
		return p.Concern
	}
	return ""
}

// Words returns what an entry says in a person's own words: a concern's or a reply's
// text, an acknowledgement's note, a resolution's corrective action, a dismissal's or
// an override's reason, a training decision's reason. It is "" for anything else.
func Words(e Entry) string {
	switch p := e.Payload.(type) {
	case *rules.ConcernData:
		return p.Text
	case *rules.ConcernReplyData:
		return p.Text
	case *rules.ConcernActData:
		switch e.Type {
		case rules.ConcernAck:
			return p.Note
		case rules.ConcernResolve:
			return p.Action
		case rules.ConcernDismiss:
			return p.Reason
		}
	case *rules.HoldActionData:
		return p.Reason
	case *rules.DecisionData:
		return p.Reason
	}
	return ""
}
