package rules

// The read policy: what each person on a production may read of its record. RULES.md's
// permission table says who may do what; this says who may read what, and every read
// route (the API, the pages, the live updates, the ledger's entries) asks it, so a
// limit on a page holds over the API too. SECURITY.md writes it down.

// Read is one part of a production's record, as the read policy gives it out.
type Read int

const (
	// ReadStatus is the production as everyone on it sees it: where each firearm and
	// lot is, holds, flags and the risk level, the people and their roles, the day's
	// meetings, plans and calls, and each concern's and incident's status without its
	// words. Also the ledger's checkpoints and proofs, which are hashes.
	ReadStatus Read = iota
	// ReadRecord is every entry of the ledger in full, every concern's and reply's
	// words and every training note among them: the investigation and daily reports
	// and the ledger's entries.
	ReadRecord
	// ReadTraining is every person's training requests with their notes and the
	// reasons they were granted or denied. Each person reads their own anyway.
	ReadTraining
)

// recordReaders may read the whole record: those who answer for the production's
// safety (producer, safety officer) and the investigator who reconstructs it.
var recordReaders = []string{"producer", "safety_officer", "investigator"}

// On reports whether person is on the production with at least one role. A person
// whose roles were all removed stays on the roster, so that their history stays
// theirs, but reads and does nothing there.
func (s *State) On(person string) bool {
	p := s.people[person]
	return p != nil && len(p.Roles) > 0
}

// MayRead reports whether person may read what. Nobody who is not On the production
// reads anything.
func (s *State) MayRead(person string, what Read) bool {
	if !s.On(person) {
		return false
	}
	p := s.people[person]
	switch what {
	case ReadStatus:
		return true
	case ReadRecord:
		return p.holds(recordReaders...)
	case ReadTraining:
		// The armorer records the training the decisions lead to.
		return p.holds(recordReaders...) || p.Roles["armorer"]
	}
	return false
}

// MayReadTrainingOf reports whether person may read the training requests of whom.
func (s *State) MayReadTrainingOf(person, whom string) bool {
	return s.On(person) && (person == whom || s.MayRead(person, ReadTraining))
}

// MayReadConcern reports whether person may read the words of a concern and of its
// replies: its reporter, the people who may handle it (a producer, the safety officer,
// the head of the reporter's department) and the record's readers. Everyone else on
// the production sees only its status. An anonymous concern's reporter reads it by
// its receipt code, not as a person.
func (s *State) MayReadConcern(person, concern string) bool {
	c := s.concerns[concern]
	if c == nil || !s.On(person) {
		return false
	}
	me := s.people[person]
	if me.holds(recordReaders...) || c.Reporter == person {
		return true
	}
	rep := s.people[c.Reporter]
	return rep != nil && rep.Department != "" && me.Head && me.Department == rep.Department
}

// holds reports whether p holds one of roles.
func (p *person) holds(roles ...string) bool {
	for _, r := range roles {
		if p.Roles[r] {
			return true
		}
	}
	return false
}
