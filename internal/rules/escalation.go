package rules

// Escalation of concerns (concern-sla): who each level reaches.

func (d *decision) escalate(concern string, level int, reporter *person) {
	d.rule(EventEscalation, d.s.recipients(concern, level, reporter))
}

// recipients names who an escalation reaches (concern-sla): by role, and the people of
// the production holding those roles now. reporter is nil for an anonymous concern.
func (s *State) recipients(concern string, level int, reporter *person) *EscalationData {
	e := &EscalationData{Concern: concern, Level: level, People: []string{}}
	withRole := func(role string) {
		for _, id := range sortedKeys(s.people) {
			if s.people[id].Roles[role] && !contains(e.People, id) {
				e.People = append(e.People, id)
			}
		}
	}
	switch level {
	case 1:
		e.Roles = []string{"safety_officer"}
		withRole("safety_officer")
		if reporter != nil && reporter.Department != "" {
			e.Roles = append(e.Roles, "department_head:"+reporter.Department)
			for _, id := range sortedKeys(s.people) {
				if p := s.people[id]; p.Head && p.Department == reporter.Department && len(p.Roles) > 0 && !contains(e.People, id) {
					e.People = append(e.People, id)
				}
			}
		}
	case 2:
		e.Roles = []string{"producer"}
		withRole("producer")
	case 3:
		e.Roles = []string{"producer", "studio_safety_contact"}
		withRole("producer")
	default:
		e.Roles = []string{"union_safety_representative", "witness"}
	}
	return e
}
