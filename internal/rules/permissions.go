package rules

import (
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// system reports whether the deployment itself acts (no person, not anonymous).
func (d *decision) system() bool { return d.by.Person == "" && !d.by.Anonymous }

// member checks that the actor is a person on the production.
func (d *decision) member() (*person, *refusal) {
	switch {
	case d.by.Anonymous:
		return nil, refuse(RoleRequired, "an anonymous reporter may only file a concern, or reopen one with its receipt code")
	case d.system():
		return nil, refuse(RoleRequired, "the deployment itself may only create the production and add people; %s must be done by a person on the production", d.cmd.Do)
	}
	p := d.s.people[d.by.Person]
	if p == nil || len(p.Roles) == 0 {
		return nil, refuse(RoleRequired, "%s is not on production %s; a producer or safety officer must add them first", d.by.Person, d.s.prod.ID)
	}
	return p, nil
}

// roleTable is RULES.md's permission table: the roles that may do each action that
// needs one. An action absent from it may be done by anyone on the production (filing
// a concern, accepting a firearm), though a rule may narrow who (a concern's handlers,
// a firearm's holder); production.create is the deployment's alone.
var roleTable = map[string][]string{
	PersonAdd:           {"producer", "safety_officer"},
	PersonRoles:         {"producer", "safety_officer"},
	CertificationRecord: {"producer", "safety_officer"},
	TrainingRecord:      {"armorer", "safety_officer"},
	TrainingDeny:        {"producer", "safety_officer"},
	TrainingGrant:       {"producer", "safety_officer"},
	FirearmRegister:     {"armorer"},
	FirearmInspect:      {"armorer"},
	FirearmReturn:       {"armorer"},
	AmmoReceive:         {"armorer"},
	AmmoVerify:          {"armorer"},
	AmmoProvenance:      {"armorer"},
	AmmoExpend:          {"armorer"},
	AmmoDispose:         {"armorer"},
	AmmoReconcile:       {"armorer"},
	SafetyMeetingHold:   {"first_ad", "armorer"},
	SetCall:             {"first_ad", "armorer"},
	ScenePlan:           {"first_ad"},
	BreakStart:          {"first_ad"},
	IncidentClose:       {"safety_officer"},
	HoldClear:           {"safety_officer"},
	HoldOverride:        {"producer"},
}

// concernHandlers answer every concern; a department head answers those of their
// department's people.
var concernHandlers = []string{"producer", "safety_officer"}

// May reports whether person's roles let them do action, by the permission table
// Decide enforces. It does not foresee the other rules (an armorer's certification, a
// hold, who answers a given concern): Decide still checks those. Pages ask it to
// offer only the forms a person's roles allow.
func (s *State) May(person, action string) bool {
	if _, ok := actions[action]; !ok || action == ProductionCreate || !s.On(person) {
		return false
	}
	roles, ok := roleTable[action]
	return !ok || s.people[person].holds(roles...)
}

// HandlesEveryConcern reports whether person answers every concern (a producer, a
// safety officer), not only those of their department's people.
func (s *State) HandlesEveryConcern(person string) bool {
	return s.On(person) && s.people[person].holds(concernHandlers...)
}

// MayHandle reports whether person may acknowledge, resolve or dismiss concern id: a
// producer, a safety officer, or the head of the reporter's department.
func (s *State) MayHandle(person, id string) bool {
	c := s.concerns[id]
	if c == nil || !s.On(person) {
		return false
	}
	me := s.people[person]
	if me.holds(concernHandlers...) {
		return true
	}
	rep := s.people[c.Reporter]
	return rep != nil && rep.Department != "" && me.Head && me.Department == rep.Department
}

// permitted checks that the actor holds a role the permission table gives the action.
func (d *decision) permitted() (*person, *refusal) { return d.permit(roleTable[d.cmd.Do]...) }

// permit checks that the actor is on the production with one of roles.
func (d *decision) permit(roles ...string) (*person, *refusal) {
	p, ref := d.member()
	if ref != nil {
		return nil, ref
	}
	for _, r := range roles {
		if p.Roles[r] {
			return p, nil
		}
	}
	return nil, refuse(RoleRequired, "only %s may do %s, and %s is %s: ask one of them", rolesInWords(roles), d.cmd.Do, p.ID, andWords(sortedKeys(p.Roles)))
}

// armorer checks the armorer's actions: the armorer role, then an unexpired certification.
func (d *decision) armorer() *refusal {
	p, ref := d.permitted()
	if ref != nil {
		return ref
	}
	return d.certified(p)
}

func (d *decision) certified(p *person) *refusal {
	today := d.s.localDay(d.now)
	switch {
	case p.CertUntil == "":
		return refuse(ArmorerCertified, "%s has no armorer certification on record; a producer or safety officer must record it (certification.record) first", p.ID)
	case p.CertUntil < today:
		return refuse(ArmorerCertified, "%s's armorer certification expired on %s; record the renewed certification (certification.record) first", p.ID, p.CertUntil)
	}
	return nil
}

// named checks that a person an action names is on the production.
func (d *decision) named(field, id string) *refusal {
	if p := d.s.people[id]; p == nil || len(p.Roles) == 0 {
		return &refusal{Rule: RoleRequired, Field: field, Message: id + " is not on the production; add them (person.add) first"}
	}
	return nil
}

// knownPerson reads a person id that must have been added to the production.
func (d *decision) knownPerson(r *reader, key string) string {
	id := r.id(key, true, false)
	if id != "" && d.s.people[id] == nil {
		r.fail(key, "names %s, who was never added to the production", id)
		return ""
	}
	return id
}

func (d *decision) knownFirearm(r *reader, key string) *firearm {
	id := r.id(key, true, false)
	f := d.s.firearms[id]
	if id != "" && f == nil {
		r.fail(key, "names %s, which is not a registered firearm", id)
	}
	return f
}

func (d *decision) knownLot(r *reader, key string, required bool) *lot {
	id := r.id(key, required, false)
	l := d.s.lots[id]
	if id != "" && l == nil {
		r.fail(key, "names %s, which is not a received lot", id)
	}
	return l
}

func (d *decision) knownConcern(r *reader, key string) *concern {
	id := r.id(key, true, false)
	c := d.s.concerns[id]
	if id != "" && c == nil {
		r.fail(key, "names %s, which is not a concern on file", id)
	}
	return c
}

var roleWords = map[string]string{
	"armorer":        "an armorer",
	"prop_master":    "a prop master",
	"first_ad":       "a first AD",
	"actor":          "an actor",
	"stunt":          "a stunt performer",
	"camera":         "a camera crew member",
	"crew":           "a crew member",
	"producer":       "a producer",
	"safety_officer": "a safety officer",
	"investigator":   "an investigator",
}

// andWords lists the roles a person holds.
func andWords(roles []string) string {
	return strings.Replace(rolesInWords(roles), " or ", " and ", 1)
}

func rolesInWords(roles []string) string {
	if len(roles) == 0 {
		return "no role"
	}
	words := make([]string, len(roles))
	for i, r := range roles {
		words[i] = orWords(roleWords[r], r)
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
