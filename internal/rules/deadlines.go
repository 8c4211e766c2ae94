package rules

import (
	"sort"
	"time"
)

// sla is concern-sla's deadlines by severity, counted from filing (or reopening).
var sla = map[string]struct{ ack, resolve time.Duration }{
	"critical": {15 * time.Minute, 2 * time.Hour},
	"high":     {time.Hour, 24 * time.Hour},
	"low":      {24 * time.Hour, 7 * 24 * time.Hour},
}

// Deadlines returns how long concern-sla gives a concern of this severity to be
// acknowledged and to be resolved, counted from its filing or reopening; zero for an
// unknown severity. A concern unresolved for twice its resolve time leaves the
// production (level 4).
func Deadlines(severity string) (acknowledge, resolve time.Duration) {
	t := sla[severity]
	return t.ack, t.resolve
}

// deadline is one moment at which the state changes by itself: a concern reaching the
// next escalation level, or a flag ending after its lifetime.
type deadline struct {
	at      time.Time
	concern *concern
	level   int
	flag    *flag
}

// deadlines lists every pending deadline at or before until, in time order
// (escalations before expiries at the same instant, then by id).
func (s *State) deadlines(until time.Time) []deadline {
	var out []deadline
	add := func(dl deadline) {
		if !dl.at.After(until) {
			out = append(out, dl)
		}
	}
	for _, c := range s.open {
		t := sla[c.Severity]
		if c.Level < 2 && !c.Acked {
			add(deadline{at: c.Since.Add(t.ack), concern: c, level: 2})
		}
		if c.Level < 3 {
			add(deadline{at: c.Since.Add(t.resolve), concern: c, level: 3})
		}
		if c.Level < 4 {
			add(deadline{at: c.Since.Add(2 * t.resolve), concern: c, level: 4})
		}
	}
	for _, f := range s.timed {
		add(deadline{at: f.Expires, flag: f})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case !a.at.Equal(b.at):
			return a.at.Before(b.at)
		case (a.flag == nil) != (b.flag == nil):
			return a.flag == nil
		case a.flag != nil:
			return a.flag.N < b.flag.N
		case a.concern.ID != b.concern.ID:
			return a.concern.ID < b.concern.ID
		}
		return a.level < b.level
	})
	return out
}

// Tick returns the events of every deadline at or before now, in time order, each
// stamped with its own deadline: escalations of concern-sla, flags ending after their
// lifetime, and risk-red-hold placed again when an escalation brings a new red reason.
// Tick does not modify s; the caller applies the events.
func (s *State) Tick(now time.Time) []Event {
	due := s.deadlines(now)
	if len(due) == 0 {
		return nil
	}
	r := s.risk.clone()
	var evs []Event
	emit := func(typ string, at time.Time, p any) {
		evs = append(evs, mustEvent(typ, at, p))
		r.apply(typ, p)
	}
	for _, dl := range due {
		if dl.flag != nil {
			f := dl.flag
			emit(EventFlagExpire, dl.at, &FlagLiftData{Flag: f.N, Rule: f.Rule, Subject: f.Subject, FirearmFlag: f.FirearmFlag, By: "expired"})
			continue
		}
		var reporter *person
		if dl.concern.Reporter != "" {
			reporter = s.people[dl.concern.Reporter]
		}
		emit(EventEscalation, dl.at, s.recipients(dl.concern.ID, dl.level, reporter))
		if u := r.unseen(); len(u) > 0 {
			emit(EventHoldPlace, dl.at, &HoldData{Hold: RiskRedHold, Reasons: u})
		}
	}
	return evs
}

// NextDeadline returns the earliest moment at which Tick will have something to do.
func (s *State) NextDeadline() (time.Time, bool) {
	var next time.Time
	found := false
	consider := func(t time.Time) {
		if !found || t.Before(next) {
			next, found = t, true
		}
	}
	for _, c := range s.open {
		t := sla[c.Severity]
		switch {
		case c.Level < 2 && !c.Acked:
			consider(c.Since.Add(t.ack))
		case c.Level < 3:
			consider(c.Since.Add(t.resolve))
		case c.Level < 4:
			consider(c.Since.Add(2 * t.resolve))
		}
	}
	for _, f := range s.timed {
		consider(f.Expires)
	}
	return next, found
}
