package loadgen

import (
	"encoding/json"
	"fmt"
	"strconv"

	"coldset/internal/rules"
)

// Step is one command of the workload and who gives it.
type Step struct {
	By  rules.Actor
	Cmd rules.Command
}

// Read marks a lane's slot that reads the production instead of acting on it.
var Read = Step{Cmd: rules.Command{Do: "read"}}

// The people every workload production has, besides one actor per lane.
const (
	Armorer        = "ana"
	FirstAD        = "dan"
	SafetyOfficer  = "sol"
	Producer       = "pia"
	armorerCertEnd = "2199-12-31"
)

// Actor and Firearm name lane's actor and firearm (lanes count from 0).
func Actor(lane int) string   { return "actor-" + strconv.Itoa(lane) }
func Firearm(lane int) string { return "f-" + strconv.Itoa(lane) }

// Setup returns the steps that create production id in timezone tz with its crew,
// one firearm and one trained actor per lane, and holds the day's safety meeting.
func Setup(id, tz string, lanes int) []Step {
	sys := rules.Actor{}
	steps := []Step{
		{sys, cmd(rules.ProductionCreate, map[string]any{"id": id, "name": "Load " + id, "timezone": tz})},
		{sys, cmd(rules.PersonAdd, map[string]any{"id": Armorer, "name": "Ana Ruiz", "roles": []string{"armorer"}, "department": "armory", "department_head": true, "certified_until": armorerCertEnd})},
		{sys, cmd(rules.PersonAdd, map[string]any{"id": FirstAD, "name": "Dan Cole", "roles": []string{"first_ad"}, "department": "ad", "department_head": true})},
		{sys, cmd(rules.PersonAdd, map[string]any{"id": SafetyOfficer, "name": "Sol Park", "roles": []string{"safety_officer"}})},
		{sys, cmd(rules.PersonAdd, map[string]any{"id": Producer, "name": "Pia Moss", "roles": []string{"producer"}})},
	}
	steps = append(steps, AddLanes(0, lanes)...)
	return append(steps, Meeting(lanes))
}

// AddLanes returns the steps that add the actors and firearms of lanes from..to-1.
// Their actors may receive a firearm after the next Meeting that counts them.
func AddLanes(from, to int) []Step {
	var steps []Step
	for j := from; j < to; j++ {
		steps = append(steps,
			Step{rules.Actor{}, cmd(rules.PersonAdd, map[string]any{"id": Actor(j), "name": "Actor " + strconv.Itoa(j), "roles": []string{"actor"}, "department": "cast", "training": map[string]float64{"revolver": 3}})},
			Step{person(Armorer), cmd(rules.FirearmRegister, map[string]any{"id": Firearm(j), "serial": fmt.Sprintf("S-%05d", j), "type": "revolver", "capability": "blank_fire"})})
	}
	return steps
}

// Meeting is the day's safety meeting, attended by the crew and the actors of lanes
// 0..lanes-1.
func Meeting(lanes int) Step {
	attendees := []string{Armorer, FirstAD, SafetyOfficer, Producer}
	for j := range lanes {
		attendees = append(attendees, Actor(j))
	}
	return Step{person(FirstAD), cmd(rules.SafetyMeetingHold, map[string]any{"attendees": attendees, "topics": []string{"firearms on set"}})}
}

// LanePeriod is the number of slots after which a lane repeats its actions.
const LanePeriod = 10

// LaneStep returns slot k of lane's sequence: its firearm inspected, handed to its
// actor, accepted and returned, a concern filed, acknowledged and resolved, and three
// reads among them. Each slot depends on the ones before it in the same lane, so a
// lane's slots must reach the production in order; lanes are independent.
func LaneStep(lane, k int) Step {
	f, a := Firearm(lane), Actor(lane)
	concern := fmt.Sprintf("c-%d-%d", lane, k/LanePeriod)
	switch k % LanePeriod {
	case 0:
		return Step{person(Armorer), cmd(rules.FirearmInspect, map[string]any{"firearm": f, "load": "empty"})}
	case 1:
		return Step{person(Armorer), cmd(rules.FirearmHandoff, map[string]any{"firearm": f, "to": a})}
	case 3:
		return Step{person(a), cmd(rules.FirearmAccept, map[string]any{"firearm": f, "load_seen": "empty"})}
	case 4:
		return Step{person(Armorer), cmd(rules.FirearmReturn, map[string]any{"firearm": f})}
	case 6:
		return Step{person(a), cmd(rules.ConcernFile, map[string]any{"id": concern, "category": "equipment", "severity": "low", "text": "the holster strap on " + f + " is loose"})}
	case 7:
		return Step{person(SafetyOfficer), cmd(rules.ConcernAck, map[string]any{"concern": concern})}
	case 9:
		return Step{person(SafetyOfficer), cmd(rules.ConcernResolve, map[string]any{"concern": concern, "action": "strap replaced"})}
	}
	return Read
}

func person(id string) rules.Actor { return rules.Actor{Person: id} }

func cmd(do string, with any) rules.Command {
	b, err := json.Marshal(with)
	if err != nil {
		panic("loadgen: " + err.Error()) // the workload's own maps always marshal
	}
	return rules.Command{Do: do, With: b}
}
