package investigate

import (
	"slices"
	"time"

	"coldset/internal/rules"
)

// world is what the investigation knows at one point of the log: who held which
// roles, the lots, the concerns and the incidents. It is folded entry by entry so
// that each finding names people by the roles they held when they acted.
type world struct {
	production Production
	loc        *time.Location
	people     map[string]*personState
	order      []string // person ids in the order they joined
	lots       map[string]*Lot
	lotOrder   []string
	concerns   map[string]*Concern
	filed      []*Concern // concerns in the order they were filed, each id's last one counting
	incidents  map[string]*Incident
	incOrder   []string
	redHold    *holdState // the risk-red-hold currently placed, if any

	// actors holds who each actor is now, shared by everything that cites them until
	// their roles change; nothing a report holds is changed once made.
	actors map[string]*Person
}

type personState struct {
	Person
	Department     string
	DepartmentHead bool
	CertifiedUntil string
}

type holdState struct {
	index   uint64
	reasons []string
}

func newWorld() *world {
	return &world{
		loc:       time.UTC,
		people:    map[string]*personState{},
		lots:      map[string]*Lot{},
		concerns:  map[string]*Concern{},
		incidents: map[string]*Incident{},
		actors:    map[string]*Person{},
	}
}

// name is what id is called at this point of the log.
func (w *world) name(id string) string {
	if p, ok := w.people[id]; ok {
		return p.Name
	}
	return id
}

// person returns who id was at this point of the log, roles included; unknown ids
// are returned as themselves so nothing cited goes missing.
func (w *world) person(id string) Person {
	if p, ok := w.people[id]; ok {
		return Person{ID: p.ID, Name: p.Name, Roles: slices.Clone(p.Roles)}
	}
	return Person{ID: id, Name: id}
}

// actor is who did entry it: nil for coldset itself, "anonymous" for an anonymous
// reporter.
func (w *world) actor(it *Item, p *payload) *Person {
	switch {
	case it.Actor != "":
		a, ok := w.actors[it.Actor]
		if !ok {
			p := w.person(it.Actor)
			a = &p
			w.actors[it.Actor] = a
		}
		return a
	case it.Type == rules.ConcernFile && p.Anonymous, it.Type == rules.ConcernReopen:
		return &Person{Name: "anonymous reporter"}
	case consequenceTypes[it.Type]:
		return nil
	default:
		return &Person{Name: "coldset (system)"}
	}
}

// withRole reports whether anyone on the production holds role now.
func (w *world) withRole(role string) []string {
	var ids []string
	for _, id := range w.order {
		if slices.Contains(w.people[id].Roles, role) {
			ids = append(ids, id)
		}
	}
	return ids
}

// apply folds the facts the investigation tracks about people and the production.
// Lots, concerns and incidents are folded by the trace builders.
func (w *world) apply(it *Item, p *payload) {
	switch it.Type {
	case rules.ProductionCreate:
		w.production = Production{ID: p.ID, Name: p.Name, Timezone: p.Timezone}
		if loc, err := time.LoadLocation(p.Timezone); err == nil {
			w.loc = loc
		}
	case rules.PersonAdd:
		delete(w.actors, p.ID)
		if _, ok := w.people[p.ID]; !ok {
			w.order = append(w.order, p.ID)
		}
		w.people[p.ID] = &personState{
			Person:     Person{ID: p.ID, Name: p.Name, Roles: slices.Clone(p.Roles)},
			Department: p.Department, DepartmentHead: p.DepartmentHead, CertifiedUntil: p.CertifiedUntil,
		}
	case rules.PersonRoles:
		delete(w.actors, p.Person)
		if ps, ok := w.people[p.Person]; ok {
			ps.Roles = slices.Clone(p.Roles)
		}
	case rules.CertificationRecord:
		if ps, ok := w.people[p.Person]; ok && p.Kind == "armorer" {
			ps.CertifiedUntil = p.Until
		}
	case rules.EventHoldPlace:
		if p.Hold == "risk-red-hold" {
			if w.redHold == nil {
				w.redHold = &holdState{index: it.Index}
			}
			w.redHold.reasons = append(w.redHold.reasons, p.Reasons...)
		}
	case rules.EventHoldLift:
		if p.Hold == "risk-red-hold" {
			w.redHold = nil
		}
	}
}

// roster lists everyone on the production, in the order they joined, with their
// roles at this point.
func (w *world) roster() []Person {
	out := make([]Person, 0, len(w.order))
	for _, id := range w.order {
		out = append(out, w.person(id))
	}
	return out
}
