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
	rec       *Record
	w         *world
	opts      Options
	rep       *Report
	chain     map[string]*Safeguard
	overrides map[uint64]int // action entry -> its place in rep.Overrides
	redHoldAt map[uint64]holdState

	// Consequences follow from the last entry that was not one; findings need to
	// know its payload, who did it and its type. cur is the payload being folded:
	// the two swap when the entry folded becomes the cause, so each payload is
	// decoded once into memory that is reused.
	cause      *causeEntry
	cur, spare *payload

	holdPlaced []uint64           // risk-red-hold placements within the period
	firearms   int                // firearms registered
	requests   map[string]request // training requests by id
	indexes    []uint64           // backing store of the cited indexes (Event.Cause)
}

type causeEntry struct {
	index uint64
	p     *payload
	actor *Person
	typ   string
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
		rec: rec, w: newWorld(), opts: opts, chain: map[string]*Safeguard{},
		overrides: map[uint64]int{}, redHoldAt: map[uint64]holdState{}, requests: map[string]request{},
		cur: new(payload), spare: new(payload),
		rep: &Report{Checkpoint: rec.Checkpoint, Timeline: []Event{}, Overrides: []Override{}},
	}
	end := periodEnd(rec, opts.To)
	// The rules fold the same entries for the state at the period's end; they need
	// nothing from the rest of the report, so they fold beside it.
	folded := make(chan ruleFold, 1)
	go func() { folded <- foldRules(rec, end) }()
	b.rep.Timeline = make([]Event, 0, timelineCap(end, opts.Filter))
	for i := range rec.Entries[:end] {
		it := &rec.Entries[i]
		b.entry(it, opts.From.IsZero() || !it.Time.Before(opts.From))
	}
	rf := <-folded
	if rf.err != nil {
		return nil, rf.err
	}
	b.rep.State.AtIndex = rf.at
	b.finish(rf.state)
	return b.rep, nil
}

// periodEnd is the number of entries up to the period's end: those whose time is not
// after to (all with to zero).
func periodEnd(rec *Record, to time.Time) int {
	if to.IsZero() {
		return len(rec.Entries)
	}
	for i := range rec.Entries {
		if rec.Entries[i].Time.After(to) {
			return i
		}
	}
	return len(rec.Entries)
}

// timelineCap is room for the whole timeline, when no filter narrows it.
func timelineCap(n int, f Filter) int {
	if f != (Filter{}) {
		return 0
	}
	return n
}

type ruleFold struct {
	state *rules.State
	at    *uint64
	err   error
}

// foldRules folds the first n entries of rec through the rules.
func foldRules(rec *Record, n int) ruleFold {
	state := rules.New()
	var at *uint64
	for i := range rec.Entries[:n] {
		it := &rec.Entries[i]
		if err := state.Apply(rules.Event{Type: it.Type, Time: it.Time, Actor: it.Actor, Data: it.Payload}); err != nil {
			return ruleFold{err: fmt.Errorf("report %s: fold entry %d: %w", rec.Production, it.Index, err)}
		}
		idx := it.Index
		at = &idx
	}
	return ruleFold{state: state, at: at}
}

// index returns a pointer to a copy of i, from memory shared by many.
func (b *builder) index(i uint64) *uint64 {
	if len(b.indexes) == cap(b.indexes) {
		b.indexes = make([]uint64, 0, 1024)
	}
	b.indexes = append(b.indexes, i)
	return &b.indexes[len(b.indexes)-1]
}

// entry folds one entry into every section.
func (b *builder) entry(it *Item, in bool) {
	p := b.cur
	*p = payload{}
	rules.DecodeFieldsInto(p, it.Payload)
	var cause *uint64
	isCause := deadlineTypes[it.Type] || !consequenceTypes[it.Type]
	if !isCause && b.cause != nil {
		cause = b.index(b.cause.index)
		if o, ok := b.overrides[*cause]; ok {
			b.rep.Overrides[o].Entries = append(b.rep.Overrides[o].Entries, it.Index)
		}
	}
	actor := b.w.actor(it, p)
	var summary string
	if in {
		summary = b.w.describe(it, p)
	}
	if it.Type == rules.HoldOverride && b.w.redHold != nil {
		b.redHoldAt[it.Index] = *b.w.redHold
	}
	b.w.apply(it, p)
	switch {
	case it.Type == rules.FirearmRegister:
		b.firearms++
	case it.Type == rules.EventHoldPlace && p.Hold == rules.RiskRedHold && in:
		b.holdPlaced = append(b.holdPlaced, it.Index)
	}
	b.trace(it, p, actor, cause, in)
	if in {
		b.inPeriod(it, p, actor, cause, summary)
	}
	if isCause {
		// Keep this payload as the cause's; the next entry decodes into the other.
		if b.cause == nil {
			b.cause = &causeEntry{p: b.spare}
		}
		old := b.cause.p
		b.cause.index, b.cause.p, b.cause.actor, b.cause.typ = it.Index, p, actor, it.Type
		b.cur = old
	}
}

// inPeriod folds an entry of the period into the findings, overrides and timeline.
func (b *builder) inPeriod(it *Item, p *payload, actor *Person, cause *uint64, summary string) {
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
func facets(it *Item, p *payload) (rule, firearm, lot string, people []string) {
	q := p
	if it.Type == rules.EventRefused {
		q = p.WithFields()
		rule = p.Rule
	}
	if it.Type == rules.EventFlag || it.Type == rules.EventFlagLift || it.Type == rules.EventFlagExpire || it.Type == rules.EventIncidentOpen {
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
	case it.Type == rules.PersonAdd:
		add(q.ID)
	case it.Type == rules.FirearmRegister:
		firearm = q.ID
	case it.Type == rules.EventFlag && (rule == rules.KnownSupplier || rule == rules.RoundCount):
		lot = firstNonEmpty(q.Ref, q.Subject)
		if rule == rules.KnownSupplier {
			lot = q.Subject
		}
	case it.Type == rules.EventFlag && rule == rules.SecureAtBreak:
		firearm = q.Subject
	case it.Type == rules.EventFlag && rule != rules.ConcernDismissed:
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
		from = b.timeOf(*b.rep.Period.First)
	}
	if to.IsZero() && b.rep.Period.Last != nil {
		to = b.timeOf(*b.rep.Period.Last)
	}
	return from.In(b.w.loc), to.In(b.w.loc)
}

// timeOf is the time of entry i in the production's zone.
func (b *builder) timeOf(i uint64) time.Time { return b.rec.Entries[i].Time.In(b.w.loc) }
