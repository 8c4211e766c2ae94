package rules

import "strings"

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

// levelWho says who each level of concern-sla reaches, as recipients picks them.
var levelWho = map[int]string{
	1: "the safety officer and the reporter's department head",
	2: "the producers",
	3: "every producer and the studio safety contact",
	4: "people outside the production (union safety representative, witnesses)",
}

// LevelWho says in words who an escalation level of concern-sla reaches; "" for a
// level that does not exist.
func LevelWho(level int) string { return levelWho[level] }

// Who says in words who this escalation reached, from the roles it recorded (a
// department head by their department), or as LevelWho says when it recorded none.
func (e EscalationData) Who() string {
	var out []string
	for _, r := range e.Roles {
		switch {
		case strings.HasPrefix(r, "department_head:"):
			out = append(out, "the head of "+strings.TrimPrefix(r, "department_head:"))
		case r == "safety_officer":
			out = append(out, "the safety officer")
		case r == "producer":
			out = append(out, "the producers")
		default:
			out = append(out, "the "+strings.ReplaceAll(r, "_", " "))
		}
	}
	if len(out) == 0 {
		return LevelWho(e.Level)
	}
	return strings.Join(out, ", ")
}
