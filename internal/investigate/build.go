package investigate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"coldset/internal/rules"
)

// Options choose what a report covers.
type Options struct {
	From, To time.Time // the period; zero: from the first entry, to the checkpoint
	Incident string    // report on one incident: its section first, and the period ends when it closed
	Filter   Filter    // narrows the timeline
}

// builder folds a record once, collecting every section of the report.
type builder struct {
	w         *world
	opts      Options
	rep       *Report
	chain     map[string]*Safeguard
	lastCause *uint64
	causes    map[uint64]uint64   // consequence entry -> the entry it follows from
	follows   map[uint64][]uint64 // entry -> its consequences
	overrides map[uint64]int      // action entry -> its place in rep.Overrides
	redHoldAt map[uint64]holdState

	// What findings need to know about the entry a consequence follows from.
	payloads map[uint64]payload
	actors   map[uint64]*Person
	types    map[uint64]string

	times      map[uint64]time.Time // of every entry folded, in the production's zone
	holdPlaced []uint64             // risk-red-hold placements within the period
	firearms   int                  // firearms registered
	requests   map[string]request   // training requests by id
}

// Build makes the investigation report of rec. It reads nothing but rec, so the same
// record always gives the same report: a bundle's report can be rebuilt and compared.
func Build(rec *Record, opts Options) (*Report, error) {
	if opts.Incident != "" {
		if err := incidentPeriod(rec, &opts); err != nil {
			return nil, err
		}
	}
	b := &builder{
		w: newWorld(), opts: opts, chain: map[string]*Safeguard{},
		causes: map[uint64]uint64{}, follows: map[uint64][]uint64{},
		overrides: map[uint64]int{}, redHoldAt: map[uint64]holdState{},
		payloads: map[uint64]payload{}, actors: map[uint64]*Person{}, types: map[uint64]string{},
		times: map[uint64]time.Time{}, requests: map[string]request{},
		rep: &Report{Checkpoint: rec.Checkpoint, Timeline: []Event{}, Overrides: []Override{}},
	}
	state := rules.New()
	for _, it := range rec.Entries {
		if !opts.To.IsZero() && it.Time.After(opts.To) {
			break
		}
		in := opts.From.IsZero() || !it.Time.Before(opts.From)
		b.entry(it, in)
		if err := state.Apply(rules.Event{Type: it.Type, Time: it.Time, Actor: it.Actor, Data: it.Payload}); err != nil {
			return nil, fmt.Errorf("report %s: fold entry %d: %w", rec.Production, it.Index, err)
		}
		idx := it.Index
		b.rep.State.AtIndex = &idx
	}
	b.finish(state)
	return b.rep, nil
}

// entry folds one entry into every section.
func (b *builder) entry(it Item, in bool) {
	p := decodePayload(it.Payload)
	var cause *uint64
	switch {
	case deadlineTypes[it.Type] || !consequenceTypes[it.Type]:
		idx := it.Index
		b.lastCause = &idx
	case b.lastCause != nil:
		c := *b.lastCause
		cause = &c
		b.causes[it.Index] = c
		b.follows[c] = append(b.follows[c], it.Index)
	}
	actor := b.w.actor(it, p)
	summary := b.w.describe(it, p)
	if cause == nil {
		b.payloads[it.Index], b.actors[it.Index], b.types[it.Index] = p, actor, it.Type
	}
	if it.Type == "hold.override" && b.w.redHold != nil {
		b.redHoldAt[it.Index] = *b.w.redHold
	}
	b.w.apply(it, p)
	b.times[it.Index] = it.Time.In(b.w.loc)
	switch {
	case it.Type == "firearm.register":
		b.firearms++
	case it.Type == "hold.place" && p.Hold == rules.RiskRedHold && in:
		b.holdPlaced = append(b.holdPlaced, it.Index)
	}
	b.trace(it, p, actor, cause, in)
	if !in {
		return
	}
	r := b.rep
	if r.Period.First == nil {
		first := it.Index
		r.Period.First = &first
	}
	last := it.Index
	r.Period.Last = &last
	r.Period.Entries++
	b.findings(it, p, actor, cause)
	b.override(it, p, actor)
	ev := Event{Index: it.Index, Time: it.Time.In(b.w.loc), Type: it.Type, Actor: actor, Summary: summary, Cause: cause}
	ev.Rule, ev.Firearm, ev.Lot, ev.People = facets(it, p)
	if b.opts.Filter.matches(ev) {
		r.Timeline = append(r.Timeline, ev)
	}
}

// facets are what an entry can be filtered by: its rule, firearm, lot and people.
func facets(it Item, p payload) (rule, firearm, lot string, people []string) {
	q := p
	if it.Type == "refused" {
		q = p.with()
		rule = p.Rule
	}
	if it.Type == "flag" || it.Type == "flag.lift" || it.Type == "flag.expire" || it.Type == "incident.open" {
		rule = p.Rule
	}
	firearm, lot = q.Firearm, q.Lot
	if firearm == "" && len(q.Firearms) > 0 {
		firearm = strings.Join(q.Firearms, ",")
	}
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && !slices.Contains(people, id) {
				people = append(people, id)
			}
		}
	}
	add(it.Actor, q.Person, q.To, q.From)
	add(q.People...)
	add(q.Attendees...)
	switch {
	case it.Type == "person.add":
		add(q.ID)
	case it.Type == "firearm.register":
		firearm = q.ID
	case it.Type == "flag" && (rule == rules.KnownSupplier || rule == rules.RoundCount):
		lot = firstNonEmpty(q.Ref, q.Subject)
		if rule == rules.KnownSupplier {
			lot = q.Subject
		}
	case it.Type == "flag" && rule == rules.SecureAtBreak:
		firearm = q.Subject
	case it.Type == "flag" && rule != rules.ConcernDismissed:
		add(strings.Split(q.Subject, ",")...)
	}
	return rule, firearm, lot, people
}

func (f Filter) matches(ev Event) bool {
	has := func(list, id string) bool { return slices.Contains(strings.Split(list, ","), id) }
	switch {
	case f.Firearm != "" && !has(ev.Firearm, f.Firearm),
		f.Lot != "" && ev.Lot != f.Lot,
		f.Person != "" && !slices.Contains(ev.People, f.Person),
		f.Kind != "" && ev.Type != f.Kind && ev.Rule != f.Kind:
		return false
	}
	return true
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// periodBounds returns the period as asked, or as the entries folded span it.
func (b *builder) periodBounds() (from, to time.Time) {
	from, to = b.opts.From, b.opts.To
	if from.IsZero() && b.rep.Period.First != nil {
		from = b.times[*b.rep.Period.First]
	}
	if to.IsZero() && b.rep.Period.Last != nil {
		to = b.times[*b.rep.Period.Last]
	}
	return from.In(b.w.loc), to.In(b.w.loc)
}
