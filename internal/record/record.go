// Package record is the read side of a production: what people read of its record
// that the rules' state does not keep in words. A Book folds the production's whole
// log, with no window, into where to find each person's record, the training
// requests and their decisions, the overrides and the day's log (meetings, plans,
// calls, breaks); Entries reads those entries, and a concern's own entries
// (rules.State.ConcernEntries), back from the ledger with their payloads decoded.
//
// A Book keeps ledger indexes and a few ids, not texts, so that a production's record
// costs little memory however long it grows; the words are read from the ledger when
// a page shows them.
package record

import (
	"slices"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

// Book is the read side of one production. Fold it every entry of the log in index
// order; it is not safe for concurrent use, so its owner (the production's folder)
// guards it as it guards the rules' state.
type Book struct {
	people    map[string][]uint64 // per person: entries about them, oldest first
	requests  []Request           // in the order asked
	byRequest map[string]int      // request id -> its place in requests
	overrides []uint64
	day       []dated // meetings, plans, calls and breaks, in ledger order
	scenes    []string
	planned   map[string]bool
}

// Request is one request for training: who asked, and where its asking and its
// decision are in the ledger.
type Request struct {
	ID      string
	Person  string
	Asked   uint64
	Decided uint64 // the index of its training.grant or training.deny; 0 while waiting
}

// Waiting reports whether the request awaits a decision.
func (q Request) Waiting() bool { return q.Decided == 0 }

type dated struct {
	index uint64
	at    int64 // unix nanoseconds
}

// New returns an empty Book.
func New() *Book {
	return &Book{people: map[string][]uint64{}, byRequest: map[string]int{}, planned: map[string]bool{}}
}

// Fold notes entry e. An entry whose payload does not decode is noted where its type
// alone says (the state's fold is what refuses a bad entry); Fold never fails.
func (b *Book) Fold(e ledger.Entry) {
	switch e.Type {
	case rules.PersonAdd:
		if p, err := rules.Payload[rules.PersonData](e.Type, e.Payload); err == nil {
			b.note(p.ID, e.Index)
		}
	case rules.PersonRoles:
		if p, err := rules.Payload[rules.RolesData](e.Type, e.Payload); err == nil {
			b.note(p.Person, e.Index)
		}
	case rules.CertificationRecord:
		if p, err := rules.Payload[rules.CertData](e.Type, e.Payload); err == nil {
			b.note(p.Person, e.Index)
		}
	case rules.TrainingRecord:
		if p, err := rules.Payload[rules.TrainingData](e.Type, e.Payload); err == nil {
			b.note(p.Person, e.Index)
		}
	case rules.CrewWalkoff:
		if p, err := rules.Payload[rules.WalkoffData](e.Type, e.Payload); err == nil {
			for _, id := range p.People {
				b.note(id, e.Index)
			}
		}
	case rules.TrainingRequest:
		if p, err := rules.Payload[rules.RequestData](e.Type, e.Payload); err == nil {
			b.byRequest[p.ID] = len(b.requests)
			b.requests = append(b.requests, Request{ID: p.ID, Person: e.Actor, Asked: e.Index})
			b.note(e.Actor, e.Index)
		}
	case rules.TrainingGrant, rules.TrainingDeny:
		if p, err := rules.Payload[rules.DecisionData](e.Type, e.Payload); err == nil {
			if i, ok := b.byRequest[p.Request]; ok {
				b.requests[i].Decided = e.Index
				b.note(b.requests[i].Person, e.Index)
			}
		}
	case rules.HoldOverride:
		b.overrides = append(b.overrides, e.Index)
	case rules.SafetyMeetingHold, rules.SetCall, rules.BreakStart:
		b.day = append(b.day, dated{e.Index, e.Time.UnixNano()})
	case rules.ScenePlan:
		b.day = append(b.day, dated{e.Index, e.Time.UnixNano()})
		if p, err := rules.Payload[rules.SceneData](e.Type, e.Payload); err == nil && !b.planned[p.Scene] {
			b.planned[p.Scene] = true
			b.scenes = append(b.scenes, p.Scene)
		}
	}
}

func (b *Book) note(person string, index uint64) {
	if person != "" {
		b.people[person] = append(b.people[person], index)
	}
}

// Person returns the indexes of the entries about person, oldest first: being added,
// roles changed or taken off, certification and training recorded, walk-offs, and
// the training they asked for and its decisions. The result is a copy.
func (b *Book) Person(person string) []uint64 { return slices.Clone(b.people[person]) }

// Requests returns every training request, in the order asked. The result is a copy.
func (b *Book) Requests() []Request { return slices.Clone(b.requests) }

// Request returns the training request id, if there is one.
func (b *Book) Request(id string) (Request, bool) {
	i, ok := b.byRequest[id]
	if !ok {
		return Request{}, false
	}
	return b.requests[i], true
}

// Overrides returns the indexes of every hold.override, oldest first.
func (b *Book) Overrides() []uint64 { return slices.Clone(b.overrides) }

// Day returns the indexes of the meetings, scene plans, calls and breaks recorded at
// or after from and before to, in ledger order.
func (b *Book) Day(from, to time.Time) []uint64 {
	lo, hi := from.UnixNano(), to.UnixNano()
	var out []uint64
	for _, d := range b.day {
		if d.at >= lo && d.at < hi {
			out = append(out, d.index)
		}
	}
	return out
}

// Scenes returns every scene planned, in the order first planned.
func (b *Book) Scenes() []string { return slices.Clone(b.scenes) }
