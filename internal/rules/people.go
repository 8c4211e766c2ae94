package rules

import "fmt"

// People on the production: their roles, certification and training.

func (d *decision) decidePersonAdd() *refusal {
	r := readWith(d.cmd.With, "id", "name", "roles", "department", "department_head", "certified_until", "training")
	p := PersonData{
		ID:             r.id("id", true, false),
		Name:           r.text("name"),
		Roles:          r.list("roles", true, false, allRoles...),
		Department:     r.optText("department"),
		DepartmentHead: r.boolean("department_head", false),
		CertifiedUntil: r.date("certified_until", false),
		Training:       r.hoursMap("training"),
	}
	if p.DepartmentHead && p.Department == "" {
		r.fail("department", "is missing: a department head names the department they lead")
	}
	if r.bad != nil {
		return r.bad
	}
	if old := d.s.people[p.ID]; old != nil && len(old.Roles) > 0 {
		return invalid("with.id", "%s is already on the production; change their roles with person.roles", p.ID)
	}
	if !d.system() {
		if _, ref := d.permitted(); ref != nil {
			return ref
		}
	}
	dual := dualRole(p.Roles)
	if dual && d.s.prod.cfg.RefuseDualRole {
		return refuse(ArmorerDualRole, "%s would be armorer and %s at once, which this production refuses; give the armorer no other role", p.ID, otherRoles(p.Roles))
	}
	d.emit(PersonAdd, &p)
	if dual {
		d.raise(ArmorerDualRole, p.ID, "", noExpiry, fmt.Sprintf("%s is armorer and %s", p.ID, otherRoles(p.Roles)))
	}
	return nil
}

func (d *decision) decidePersonRoles() *refusal {
	r := readWith(d.cmd.With, "person", "roles")
	who := d.knownPerson(r, "person")
	if r.raw("roles") == nil {
		r.fail("roles", "is missing (the full new list of roles)")
	}
	roles := r.list("roles", false, false, allRoles...)
	if ref := d.mayChangePerson(r, who); ref != nil {
		return ref
	}
	was, now := dualRole(sortedKeys(d.s.people[who].Roles)), dualRole(roles)
	if !was && now && d.s.prod.cfg.RefuseDualRole {
		return refuse(ArmorerDualRole, "%s would be armorer and %s at once, which this production refuses; give the armorer no other role", who, otherRoles(roles))
	}
	d.emit(PersonRoles, &RolesData{Person: who, Roles: roles})
	switch {
	case !was && now:
		d.raise(ArmorerDualRole, who, "", noExpiry, fmt.Sprintf("%s is armorer and %s", who, otherRoles(roles)))
	case was && !now:
		d.lift(ArmorerDualRole, who, nil)
	}
	return nil
}

// mayChangePerson refuses a change to the record of the person who when r could not
// read the command's fields, when the caller may not do the action, or when who has
// been taken off the production (every role removed).
func (d *decision) mayChangePerson(r *reader, who string) *refusal {
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	return d.named("with.person", who)
}

func (d *decision) decideCertification() *refusal {
	r := readWith(d.cmd.With, "person", "kind", "until")
	p := CertData{Person: d.knownPerson(r, "person"), Kind: r.enum("kind", true, "armorer"), Until: r.date("until", true)}
	if ref := d.mayChangePerson(r, p.Person); ref != nil {
		return ref
	}
	d.emit(CertificationRecord, &p)
	return nil
}

func (d *decision) decideTrainingRecord() *refusal {
	r := readWith(d.cmd.With, "person", "type", "hours")
	p := TrainingData{Person: d.knownPerson(r, "person"), Type: r.enum("type", true, trainingTypes...), Hours: r.number("hours", true, maxHours)}
	if ref := d.mayChangePerson(r, p.Person); ref != nil {
		return ref
	}
	d.emit(TrainingRecord, &p)
	have := addHours(d.s.people[p.Person].Training[p.Type], p.Hours)
	d.lift(TrainingDenied, p.Person, func(f *flag) bool {
		q := d.s.requests[f.Ref]
		return q != nil && q.Type == p.Type && have >= q.Hours
	})
	return nil
}

func (d *decision) decideTrainingRequest() *refusal {
	r := readWith(d.cmd.With, "id", "type", "hours", "note")
	p := RequestData{ID: r.id("id", true, false), Type: r.enum("type", true, trainingTypes...), Hours: r.number("hours", true, maxHours), Note: r.optText("note")}
	if r.bad != nil {
		return r.bad
	}
	if d.s.requests[p.ID] != nil {
		return invalid("with.id", "training request %s already exists", p.ID)
	}
	if _, ref := d.member(); ref != nil {
		return ref
	}
	d.emit(TrainingRequest, &p)
	return nil
}

func (d *decision) decideTrainingDeny() *refusal  { return d.decideTraining(TrainingDeny) }
func (d *decision) decideTrainingGrant() *refusal { return d.decideTraining(TrainingGrant) }

func (d *decision) decideTraining(typ string) *refusal {
	r := readWith(d.cmd.With, "request", "reason")
	id := r.id("request", true, false)
	q := d.s.requests[id]
	if id != "" && q == nil {
		r.fail("request", "names %s, which is not a training request", id)
	}
	p := DecisionData{Request: id, Reason: r.str("reason", typ == TrainingDeny, true)}
	if r.bad != nil {
		return r.bad
	}
	if q.Status != "requested" {
		return invalid("with.request", "training request %s was already %s", id, q.Status)
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	d.emit(typ, &p)
	if typ == TrainingDeny {
		d.raise(TrainingDenied, q.Person, q.ID, noExpiry, fmt.Sprintf("%s asked for %g hours of %s training; denied: %s", q.Person, q.Hours, q.Type, p.Reason))
		if d.s.people[q.Person].Training[q.Type] >= q.Hours {
			// Already trained that far: the flag is raised and ends at once.
			d.rule(EventFlagLift, &FlagLiftData{Flag: d.nextFlag, Rule: TrainingDenied, Subject: q.Person, FirearmFlag: true, By: typ})
		}
	}
	return nil
}

// dualRole reports whether roles combine armorer with any role but investigator.
func dualRole(roles []string) bool {
	return contains(roles, "armorer") && otherRoles(roles) != ""
}

func otherRoles(roles []string) string {
	var other []string
	for _, r := range roles {
		if r != "armorer" && r != "investigator" {
			other = append(other, r)
		}
	}
	if len(other) == 0 {
		return ""
	}
	return rolesInWords(other)
}

func (s *State) applyPersonAdd(e Event) (any, error) {
	p, err := decode[PersonData](e)
	if err != nil {
		return nil, err
	}
	pe := &person{ID: p.ID, Name: p.Name, Roles: map[string]bool{}, Department: p.Department, Head: p.DepartmentHead, CertUntil: p.CertifiedUntil, Training: map[string]float64{}}
	for _, r := range p.Roles {
		pe.Roles[r] = true
	}
	for k, h := range p.Training {
		pe.Training[k] = clampHours(h)
	}
	s.people[p.ID] = pe
	s.peopleIDs = insertID(s.peopleIDs, p.ID)
	return p, nil
}

func (s *State) applyPersonRoles(e Event) (any, error) {
	p, err := decode[RolesData](e)
	if err != nil {
		return nil, err
	}
	pe := s.people[p.Person]
	if pe == nil {
		return nil, fmt.Errorf("unknown person %q", p.Person)
	}
	pe.Roles = map[string]bool{}
	for _, r := range p.Roles {
		pe.Roles[r] = true
	}
	return p, nil
}

func (s *State) applyCertification(e Event) (any, error) {
	p, err := decode[CertData](e)
	if err != nil {
		return nil, err
	}
	pe := s.people[p.Person]
	if pe == nil {
		return nil, fmt.Errorf("unknown person %q", p.Person)
	}
	pe.CertUntil = p.Until
	return p, nil
}

func (s *State) applyTrainingRecord(e Event) (any, error) {
	p, err := decode[TrainingData](e)
	if err != nil {
		return nil, err
	}
	pe := s.people[p.Person]
	if pe == nil {
		return nil, fmt.Errorf("unknown person %q", p.Person)
	}
	pe.Training[p.Type] = addHours(pe.Training[p.Type], p.Hours)
	return p, nil
}

func (s *State) applyTrainingRequest(e Event) (any, error) {
	p, err := decode[RequestData](e)
	if err != nil {
		return nil, err
	}
	s.requests[p.ID] = &request{ID: p.ID, Person: e.Actor, Type: p.Type, Hours: p.Hours, Status: "requested"}
	s.noteID(p.ID)
	return p, nil
}

func (s *State) applyTrainingDecision(e Event) (any, error) {
	p, err := decode[DecisionData](e)
	if err != nil {
		return nil, err
	}
	q := s.requests[p.Request]
	if q == nil {
		return nil, fmt.Errorf("unknown training request %q", p.Request)
	}
	q.Status = map[string]string{TrainingDeny: "denied", TrainingGrant: "granted"}[e.Type]
	return p, nil
}
