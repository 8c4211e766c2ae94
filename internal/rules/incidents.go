package rules

// Incidents reported by anyone and closed by the safety officer.

func (d *decision) decideIncidentReport() *refusal {
	r := readWith(d.cmd.With, "id", "kind", "text")
	p := ReportData{ID: r.id("id", true, false), Kind: r.enum("kind", true, reportKinds...), Text: r.text("text")}
	if r.bad != nil {
		return r.bad
	}
	if d.s.incidents[p.ID] != nil {
		return invalid("with.id", "incident %s already exists", p.ID)
	}
	if _, ref := d.member(); ref != nil {
		return ref
	}
	p.Serious = Serious(p.Kind)
	d.emit(IncidentReport, &p)
	return nil
}

func (d *decision) decideIncidentClose() *refusal {
	r := readWith(d.cmd.With, "incident", "findings", "actions")
	id := r.id("incident", true, false)
	in := d.s.incidents[id]
	switch {
	case id == "":
	case in == nil:
		r.fail("incident", "names %s, which is not an incident", id)
	case !in.Open:
		r.fail("incident", "names incident %s, which is already closed", id)
	}
	p := CloseData{Incident: id, Findings: r.text("findings"), Actions: r.text("actions")}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	d.emit(IncidentClose, &p)
	// Closing the incident lifts the holds it placed (no-live-ammo, discharge-stops-work)
	// and the round-count flag of a missing-rounds incident.
	for _, h := range d.s.holds {
		if h.Ref == id {
			d.rule(EventHoldLift, &HoldData{Hold: h.ID, Ref: id, By: d.cmd.Do})
		}
	}
	d.lift(RoundCount, id, nil)
	return nil
}

func (s *State) applyIncidentReport(e Event) (any, error) {
	p, err := decode[ReportData](e)
	if err != nil {
		return nil, err
	}
	s.openIncident(p.ID, p.Kind, p.Serious, e.Time)
	return p, nil
}

func (s *State) applyIncidentClose(e Event) (any, error) {
	p, err := decode[CloseData](e)
	if err != nil {
		return nil, err
	}
	in := s.incidents[p.Incident]
	if in == nil {
		return nil, errUnknown("incident", p.Incident)
	}
	in.Open = false
	delete(s.openInc, in.ID)
	s.openIncIDs = removeID(s.openIncIDs, in.ID)
	return p, nil
}
