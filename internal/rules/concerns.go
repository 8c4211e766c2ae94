package rules

import (
	"fmt"
	"strings"
)

// Concerns: filed (also anonymously), acknowledged, resolved with an action or
// dismissed, reopened once; and walk-offs over safety.

func (d *decision) decideConcernFile() *refusal {
	r := readWith(d.cmd.With, "id", "category", "severity", "text")
	p := ConcernData{
		ID:       r.id("id", true, false),
		Category: r.enum("category", true, categories...),
		Severity: r.enum("severity", true, severities...),
		Text:     r.text("text"),
	}
	if r.bad != nil {
		return r.bad
	}
	if d.s.concerns[p.ID] != nil {
		return invalid("with.id", "concern %s is already on file", p.ID)
	}
	if d.by.Anonymous {
		if d.by.Receipt == "" {
			return invalid("receipt", "an anonymous concern needs the receipt code its reporter was given")
		}
		p.Anonymous, p.ReceiptSHA256 = true, receiptHash(d.by.Receipt)
		d.fileConcern(&p, nil)
		return nil
	}
	me, ref := d.member()
	if ref != nil {
		return ref
	}
	d.fileConcern(&p, me)
	return nil
}

// fileConcern records a concern and what filing it starts: escalation level 1 and,
// for a critical firearms concern, the critical-concern hold.
func (d *decision) fileConcern(p *ConcernData, reporter *person) {
	d.emit(ConcernFile, p)
	d.escalate(p.ID, 1, reporter)
	if p.Severity == "critical" && p.Category == "firearms" {
		d.rule(EventHoldPlace, &HoldData{Hold: CriticalConcern, Ref: p.ID})
	}
}

// openConcern reads the concern an action names; it must be open.
func (d *decision) openConcern(r *reader) *concern {
	c := d.knownConcern(r, "concern")
	if c != nil && c.Status != "open" {
		r.fail("concern", "names concern %s, which is already %s", c.ID, c.Status)
	}
	return c
}

// handles checks who may acknowledge, resolve or dismiss a concern: a producer, a
// safety officer, or the head of the reporter's department.
func (d *decision) handles(c *concern) *refusal {
	me, ref := d.member()
	if ref != nil {
		return ref
	}
	if me.holds(concernHandlers...) {
		return nil
	}
	if rep := d.s.people[c.Reporter]; rep != nil && rep.Department != "" && me.Head && me.Department == rep.Department {
		return nil
	}
	return refuse(RoleRequired, "only a producer, a safety officer or the head of the reporter's department may do %s", d.cmd.Do)
}

func (d *decision) decideConcernAck() *refusal {
	r := readWith(d.cmd.With, "concern", "note")
	c := d.openConcern(r)
	p := ConcernActData{Note: r.optText("note")}
	if c != nil && c.Acked {
		r.fail("concern", "names concern %s, which is already acknowledged", c.ID)
	}
	if ref := d.mayHandle(r, c); ref != nil {
		return ref
	}
	d.answer(ConcernAck, c, &p)
	return nil
}

func (d *decision) decideConcernResolve() *refusal {
	r := readWith(d.cmd.With, "concern", "action")
	c := d.openConcern(r)
	p := ConcernActData{Action: r.optText("action")}
	if ref := d.mayHandle(r, c); ref != nil {
		return ref
	}
	if p.Action == "" {
		return refuse(ConcernResolvedWithAction, "a concern is resolved only with a written corrective action (with.action); to close %s without one, dismiss it with a reason (concern.dismiss), which is flagged", c.ID)
	}
	d.answer(ConcernResolve, c, &p)
	return nil
}

func (d *decision) decideConcernDismiss() *refusal {
	r := readWith(d.cmd.With, "concern", "reason")
	c := d.openConcern(r)
	p := ConcernActData{Reason: r.text("reason")}
	if ref := d.mayHandle(r, c); ref != nil {
		return ref
	}
	d.answer(ConcernDismiss, c, &p)
	d.raiseFlag(ConcernDismissed, c.ID, "", c.Category == "firearms", d.now.Add(flagLifetime), fmt.Sprintf("concern %s (%s) dismissed: %s", c.ID, c.Category, p.Reason))
	return nil
}

// mayHandle refuses a command whose fields r could not read, then one by somebody
// who may not handle the concern c (handles).
func (d *decision) mayHandle(r *reader, c *concern) *refusal {
	if r.bad != nil {
		return r.bad
	}
	return d.handles(c)
}

// answer records do (an acknowledgement, a resolution or a dismissal) of the open
// concern c, and lifts the critical-concern hold c placed, if it stands: that hold
// lasts until the concern is acknowledged, resolved or dismissed.
func (d *decision) answer(do string, c *concern, p *ConcernActData) {
	p.Concern = c.ID
	d.emit(do, p)
	for _, h := range d.s.holds {
		if h.ID == CriticalConcern && h.Ref == c.ID {
			d.rule(EventHoldLift, &HoldData{Hold: CriticalConcern, Ref: c.ID, By: d.cmd.Do})
		}
	}
}

func (d *decision) decideConcernReopen() *refusal {
	r := readWith(d.cmd.With, "concern")
	c := d.knownConcern(r, "concern")
	switch {
	case c == nil:
	case c.Status == "open":
		r.fail("concern", "names concern %s, which is open; only a resolved or dismissed concern is reopened", c.ID)
	case c.Reopened:
		r.fail("concern", "names concern %s, which was already reopened once; a concern is reopened only once", c.ID)
	}
	if r.bad != nil {
		return r.bad
	}
	var reporter *person
	if c.Reporter == "" {
		if !d.by.Anonymous || receiptHash(d.by.Receipt) != c.ReceiptHash {
			return refuse(RoleRequired, "only whoever holds the receipt code of concern %s may reopen it", c.ID)
		}
	} else {
		me, ref := d.member()
		if ref != nil {
			return ref
		}
		if me.ID != c.Reporter {
			return refuse(RoleRequired, "only the reporter of concern %s may reopen it", c.ID)
		}
		reporter = me
	}
	d.emit(ConcernReopen, &ConcernActData{Concern: c.ID})
	d.escalate(c.ID, 1, reporter)
	if c.Severity == "critical" && c.Category == "firearms" {
		d.rule(EventHoldPlace, &HoldData{Hold: CriticalConcern, Ref: c.ID})
	}
	return nil
}

func (d *decision) decideWalkoff() *refusal {
	r := readWith(d.cmd.With, "people", "reason", "safety")
	p := WalkoffData{People: r.list("people", true, true), Reason: r.text("reason"), Safety: r.boolean("safety", true)}
	for _, id := range p.People {
		if r.bad == nil && d.s.people[id] == nil {
			r.fail("people", "names %s, who was never added to the production", id)
		}
	}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.member(); ref != nil {
		return ref
	}
	for _, id := range p.People {
		if ref := d.named("with.people", id); ref != nil {
			return ref
		}
	}
	d.emit(CrewWalkoff, &p)
	if p.Safety {
		d.raise(Walkoff, strings.Join(p.People, ","), "", d.now.Add(flagLifetime), fmt.Sprintf("%s left citing safety: %s", strings.Join(p.People, ", "), p.Reason))
	}
	return nil
}

func (s *State) applyConcernFile(e Event) (any, error) {
	p, err := decode[ConcernData](e)
	if err != nil {
		return nil, err
	}
	c := &concern{ID: p.ID, Category: p.Category, Severity: p.Severity, ReceiptHash: p.ReceiptSHA256, Since: e.Time, Status: "open"}
	if !p.Anonymous {
		c.Reporter = e.Actor
	}
	if old := s.concerns[c.ID]; old != nil {
		c.entries = old.entries
	}
	c.entries = noteEntry(c.entries, e)
	s.indexConcern(c)
	s.concerns[c.ID] = c
	s.open[c.ID] = c
	s.openIDs = insertID(s.openIDs, c.ID)
	return p, nil
}

func (s *State) applyConcernAct(e Event) (any, error) {
	p, err := decode[ConcernActData](e)
	if err != nil {
		return nil, err
	}
	c, err := s.concernEntry(p.Concern, e)
	if err != nil {
		return nil, err
	}
	switch e.Type {
	case ConcernAck:
		c.Acked = true
	case ConcernResolve, ConcernDismiss:
		c.Status = map[string]string{ConcernResolve: "resolved", ConcernDismiss: "dismissed"}[e.Type]
		delete(s.open, c.ID)
		s.openIDs = removeID(s.openIDs, c.ID)
	case ConcernReopen:
		c.Since, c.Level, c.Acked, c.Status, c.Reopened = e.Time, 0, false, "open", true
		s.open[c.ID] = c
		s.openIDs = insertID(s.openIDs, c.ID)
	}
	return p, nil
}

func (s *State) applyEscalation(e Event) (any, error) {
	p, err := decode[EscalationData](e)
	if err != nil {
		return nil, err
	}
	c, err := s.concernEntry(p.Concern, e)
	if err != nil {
		return nil, err
	}
	c.Level = p.Level
	return p, nil
}

// concernEntry notes e as an entry of the concern id, which must be on file.
func (s *State) concernEntry(id string, e Event) (*concern, error) {
	c := s.concerns[id]
	if c == nil {
		return nil, fmt.Errorf("unknown concern %q", id)
	}
	c.entries = noteEntry(c.entries, e)
	return c, nil
}
