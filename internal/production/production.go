// Package production joins the pure rules of one production to its ledger: every
// command and every deadline that falls due is decided against the live state and
// committed as ledger entries in one append, and the state is always the fold of the
// committed entries.
package production

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/record"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// maxTickRounds bounds how often Tick is asked again after folding what it returned.
// Tick should return every due event at once; asking again only catches deadlines that
// earlier deadline events created, and a bound keeps a faulty rule from looping.
const maxTickRounds = 100

// Production is one production's live state and its ledger log. It is safe for
// concurrent use: all changes go through the log's single writer.
type Production struct {
	id  string
	log *ledger.Log
}

// Open loads production id from st, folding every stored entry into a fresh state.
// A production with no entries yet opens empty; its first command is
// production.create.
func Open(ctx context.Context, st store.Store, s *ledger.Signer, id string) (*Production, error) {
	log, err := ledger.Open(ctx, st, s, id, func() ledger.Folder { return newFolder() })
	if err != nil {
		return nil, fmt.Errorf("open production %s: %w", id, err)
	}
	return &Production{id: id, log: log}, nil
}

// ID returns the production's id.
func (p *Production) ID() string { return p.id }

// Log returns the production's ledger log, for checkpoints, proofs and entries.
func (p *Production) Log() *ledger.Log { return p.log }

// Close stops the log's writer. It does not close the store.
func (p *Production) Close() error { return p.log.Close() }

// Do ticks the production to now and decides c by the actor, as one ledger append:
// the deadline events that fell due and the command's events (or its one refusal)
// are durable together when Do returns. The Result summarises all of them, so a
// caller sees escalations that fired while the clock moved as well as the command's
// own flags. An error means nothing may be assumed recorded; a refusal is not an error.
func (p *Production) Do(ctx context.Context, by rules.Actor, c rules.Command, now time.Time) (rules.Result, error) {
	now = actTime(by, now)
	var evs []rules.Event
	_, err := p.log.Do(ctx, func(lf ledger.Folder, next uint64) ([]ledger.Entry, error) {
		f := lf.(*folder)
		ticks, err := f.tickTo(now, next)
		if err != nil {
			// The folder is broken: the log's fold of these fails this call and
			// rebuilds the state from the store.
			return toEntries(ticks), nil
		}
		evs = append(ticks, f.state.Decide(by, c, now)...)
		return toEntries(evs), nil
	})
	if err != nil {
		return rules.Result{}, fmt.Errorf("%s in %s: %w", c.Do, p.id, err)
	}
	return rules.Summarize(evs), nil
}

// DoNew is Do for a command that files something new under an id the server picks:
// build makes the command around the id prefix-N (rules.State.NextID), which is
// chosen inside the log's single writer, against the state the command is decided
// on. So concurrent calls never pick the same id, and when the decision is made again
// after another process appended, the id is picked again with it. It returns the id
// of the decision that was recorded.
func (p *Production) DoNew(ctx context.Context, by rules.Actor, prefix string, build func(id string) rules.Command, now time.Time) (id string, res rules.Result, err error) {
	now = actTime(by, now)
	var evs []rules.Event
	_, err = p.log.Do(ctx, func(lf ledger.Folder, next uint64) ([]ledger.Entry, error) {
		f := lf.(*folder)
		ticks, err := f.tickTo(now, next)
		if err != nil {
			return toEntries(ticks), nil // see Do
		}
		id = f.state.NextID(prefix)
		evs = append(ticks, f.state.Decide(by, build(id), now)...)
		return toEntries(evs), nil
	})
	if err != nil {
		return "", rules.Result{}, fmt.Errorf("file a new %s in %s: %w", prefix, p.id, err)
	}
	return id, rules.Summarize(evs), nil
}

// actTime is the time an action by by is recorded at: an anonymous one's is kept to
// the second, since finer timing could be matched against a phone's or a network's
// own logs to tell who sent it.
func actTime(by rules.Actor, now time.Time) time.Time {
	if by.Anonymous {
		return now.Truncate(time.Second)
	}
	return now
}

// Tick records every deadline event due at or before now (escalations, flags that
// expire), in time order, as one append. It does nothing when nothing is due.
func (p *Production) Tick(ctx context.Context, now time.Time) (rules.Result, error) {
	if d, ok := p.NextDeadline(); !ok || d.After(now) {
		return rules.Summarize(nil), nil
	}
	var evs []rules.Event
	_, err := p.log.Do(ctx, func(lf ledger.Folder, next uint64) ([]ledger.Entry, error) {
		// On error the folder is broken and folding these fails the call (see Do).
		ticks, _ := lf.(*folder).tickTo(now, next)
		evs = ticks
		return toEntries(ticks), nil
	})
	if err != nil {
		return rules.Result{}, fmt.Errorf("tick %s to %s: %w", p.id, now.Format(time.RFC3339), err)
	}
	return rules.Summarize(evs), nil
}

// View calls fn with the state as of the committed entries. fn must not keep or
// modify the state, or call Do or Tick.
func (p *Production) View(fn func(*rules.State)) {
	p.log.View(func(f ledger.Folder) { fn(f.(*folder).state) })
}

// Read calls fn with the state and the read side (record.Book) as of the committed
// entries, the one as current as the other. fn must not keep or modify them, or call
// Do or Tick.
func (p *Production) Read(fn func(*rules.State, *record.Book)) {
	p.log.View(func(f ledger.Folder) { lf := f.(*folder); fn(lf.state, lf.book) })
}

// NextDeadline returns the earliest deadline still to fall due, if any.
func (p *Production) NextDeadline() (t time.Time, ok bool) {
	p.View(func(s *rules.State) { t, ok = s.NextDeadline() })
	return t, ok
}

// folder folds ledger entries into the rules' state and the read side. Deadline events
// are applied to the state while deciding, so the command is decided against the
// ticked state; their entries are then skipped by the state when the log folds them
// (applied marks the first index not yet folded that way), while the read side, which
// nothing decides on, folds every entry as the log folds it.
type folder struct {
	state   *rules.State
	book    *record.Book
	applied uint64
	broken  error // set when applying a deadline event failed: the state must be rebuilt
}

func (f *folder) Fold(e ledger.Entry) error {
	if f.broken != nil {
		return f.broken
	}
	f.book.Fold(e)
	if e.Index < f.applied {
		return nil
	}
	if err := f.state.Apply(toEvent(e)); err != nil {
		return fmt.Errorf("apply %s: %w", e.Type, err)
	}
	return nil
}

// tickTo applies to the state every deadline event due at or before now, as the
// entries from index next on, and returns them. On error the folder is broken: the
// events returned so far were applied and the next Fold fails, which makes the log
// rebuild the state.
func (f *folder) tickTo(now time.Time, next uint64) ([]rules.Event, error) {
	var all []rules.Event
	for range maxTickRounds {
		due := f.state.Tick(now)
		if len(due) == 0 {
			return all, nil
		}
		for _, ev := range due {
			all = append(all, ev)
			f.applied = next + uint64(len(all))
			// Apply what a reload will read back (UTC time, compact payload), so the
			// live state and a rebuilt one are the same.
			stored, err := roundTrip(ev)
			if err == nil {
				stored.Index = f.applied - 1
				err = f.state.Apply(stored)
			}
			if err != nil {
				f.broken = fmt.Errorf("apply deadline event %s: %w", ev.Type, err)
				return all, f.broken
			}
		}
	}
	f.broken = errors.New("deadline events keep falling due")
	return all, f.broken
}

func newFolder() *folder { return &folder{state: rules.New(), book: record.New()} }

func toEntries(evs []rules.Event) []ledger.Entry {
	out := make([]ledger.Entry, len(evs))
	for i, ev := range evs {
		out[i] = ledger.Entry{Time: ev.Time, Actor: ev.Actor, Type: ev.Type, Payload: ev.Data}
	}
	return out
}

func toEvent(e ledger.Entry) rules.Event {
	return rules.Event{Type: e.Type, Time: e.Time, Actor: e.Actor, Data: e.Payload, Index: e.Index}
}

// roundTrip returns ev as it will be read back from the ledger.
func roundTrip(ev rules.Event) (rules.Event, error) {
	e := toEntries([]rules.Event{ev})[0]
	body, err := e.Encode()
	if err != nil {
		return rules.Event{}, err
	}
	if e, err = ledger.DecodeEntry(body); err != nil {
		return rules.Event{}, err
	}
	return toEvent(e), nil
}
