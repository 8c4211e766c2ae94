package demo

import (
	"fmt"
	"time"

	"coldset/internal/rules"
)

// step is one action of a demo day at a local time of that day.
type step struct {
	at   string // HH:MM
	as   string
	do   string
	with map[string]any
}

// on returns the step's time on date (midnight, local).
func (s step) on(date time.Time) time.Time {
	var h, m int
	fmt.Sscanf(s.at, "%d:%d", &h, &m)
	return time.Date(date.Year(), date.Month(), date.Day(), h, m, 0, 0, date.Location())
}

// day is the clean firearm day of the scenario clean-day.yaml, on shooting day n:
// each day receives its own lots; the firearm is registered on the first day. The
// last day leaves a low concern acknowledged and still open, so that the pages show
// a deadline counting down.
func day(n int, first, last bool) []step {
	blanks, dummies := fmt.Sprintf("blanks-%d", n), fmt.Sprintf("dummies-%d", n)
	scene := fmt.Sprint(10 + n)
	var s []step
	if first {
		s = append(s, step{"05:45", "ana", rules.FirearmRegister, map[string]any{"id": "colt-1", "serial": "K12345", "type": "revolver", "capability": "blank_fire", "make": "Colt", "model": "Single Action Army"}})
	}
	s = append(s,
		step{"05:50", "ana", rules.AmmoReceive, map[string]any{"lot": blanks, "kind": "blank", "caliber": ".45 Colt", "count": 60, "supplier": "Acme Prop Rentals", "receipt": fmt.Sprintf("R-%d8", n)}},
		step{"05:52", "ana", rules.AmmoReceive, map[string]any{"lot": dummies, "kind": "dummy", "caliber": ".45 Colt", "count": 12, "supplier": "Acme Prop Rentals", "receipt": fmt.Sprintf("R-%d9", n)}},
		step{"05:55", "ana", rules.AmmoVerify, map[string]any{"lot": dummies, "method": "rattle", "count": 12}},
		step{"06:30", "dan", rules.SafetyMeetingHold, map[string]any{"attendees": []string{"ana", "dan", "kim", "raf", "sol"},
			"topics": []string{"blank fire in scene " + scene, "shields and remote monitor", "abort word"}}},
		step{"08:00", "dan", rules.ScenePlan, map[string]any{"scene": scene, "firearms": []string{"colt-1"}, "toward": "camera", "protections": []string{"shields", "remote_monitor"}}},
		// Rehearsal with dummies: inspected, shown, called cold.
		step{"08:10", "ana", rules.FirearmInspect, map[string]any{"firearm": "colt-1", "load": "dummy", "lot": dummies, "rounds": 6}},
		step{"08:10", "dan", rules.SetCall, map[string]any{"call": "cold", "firearm": "colt-1", "scene": scene}},
		step{"08:12", "ana", rules.FirearmHandoff, map[string]any{"firearm": "colt-1", "to": "kim"}},
		step{"08:13", "kim", rules.FirearmAccept, map[string]any{"firearm": "colt-1", "load_seen": "dummy", "rounds": 6}},
		step{"08:40", "ana", rules.FirearmReturn, map[string]any{"firearm": "colt-1"}},
		// The take with blanks.
		step{"09:30", "ana", rules.FirearmInspect, map[string]any{"firearm": "colt-1", "load": "blank", "lot": blanks, "rounds": 5}},
		step{"09:30", "dan", rules.SetCall, map[string]any{"call": "hot", "firearm": "colt-1", "scene": scene}},
		step{"09:32", "ana", rules.FirearmHandoff, map[string]any{"firearm": "colt-1", "to": "kim"}},
		step{"09:33", "kim", rules.FirearmAccept, map[string]any{"firearm": "colt-1", "load_seen": "blank", "rounds": 5}},
		step{"09:35", "kim", rules.FirearmDischarge, map[string]any{"firearm": "colt-1", "planned": true}},
		step{"09:36", "ana", rules.FirearmReturn, map[string]any{"firearm": "colt-1"}},
		step{"09:36", "ana", rules.AmmoExpend, map[string]any{"lot": blanks, "count": 5}},
		// A concern, answered in time with an action.
		step{"10:00", "raf", rules.ConcernFile, map[string]any{"id": fmt.Sprintf("glare-%d", n), "category": "equipment", "severity": "high", "text": "the shield reflects the key light into the lens"}},
		step{"10:20", "sol", rules.ConcernAck, map[string]any{"concern": fmt.Sprintf("glare-%d", n), "note": "looking at it"}},
		step{"11:00", "sol", rules.ConcernResolve, map[string]any{"concern": fmt.Sprintf("glare-%d", n), "action": "matte film applied to the shield; checked with the camera team"}},
		step{"12:30", "dan", rules.BreakStart, map[string]any{"kind": "meal"}},
	)
	if last {
		s = append(s,
			step{"16:00", "kim", rules.ConcernFile, map[string]any{"id": "long-days", "category": "fatigue", "severity": "low", "text": "three 13-hour days in a row; the blank-fire scenes are at the end of the day"}},
			step{"16:30", "sol", rules.ConcernAck, map[string]any{"concern": "long-days", "note": "talking to the producer about the schedule"}},
		)
	}
	return append(s,
		step{"18:00", "ana", rules.AmmoReconcile, map[string]any{"lot": blanks, "counted": 55}},
		step{"18:00", "ana", rules.AmmoReconcile, map[string]any{"lot": dummies, "counted": 12}},
		step{"18:05", "dan", rules.BreakStart, map[string]any{"kind": "wrap"}},
	)
}
