package loadgen

import (
	"fmt"
	"time"

	"coldset/internal/rules"
)

// Shooting hours of a history's simulated days, and the time between two actions.
const (
	dayStart   = 6 * time.Hour
	dayEnd     = 20 * time.Hour
	actionStep = 15 * time.Second
)

// History plays a production's life through the rules on a simulated clock, the way
// production.Do does (tick to now, decide, fold): Setup at start (which should be a
// midnight), then shooting days from 06:00 to 20:00 of the lanes' actions round robin,
// one every 15 seconds, with a safety meeting every morning. It calls emit with every
// event, in order, until at least n events have been emitted and every lane has
// finished its round (no firearm out, no concern open), and returns how many it
// emitted: a log cut there can be appended to at any later time. Every action is
// one the rules accept, so a refusal is reported as an error: the workload and the
// rules no longer agree.
func History(id string, lanes, n int, start time.Time, emit func(rules.Event) error) (int, error) {
	s := rules.New()
	now := start.Add(dayStart)
	count := 0
	do := func(st Step) error {
		evs := s.Tick(now)
		decided := s.Decide(st.By, st.Cmd, now)
		if res := rules.Summarize(decided); res.Outcome != rules.OK {
			return fmt.Errorf("history of %s: %s by %q at %s refused (%s): %s", id, st.Cmd.Do, st.By.Person, now.Format(time.RFC3339), res.Rule, res.Message)
		}
		for _, ev := range append(evs, decided...) {
			if err := s.Apply(ev); err != nil {
				return fmt.Errorf("history of %s: apply %s: %w", id, ev.Type, err)
			}
			if err := emit(ev); err != nil {
				return err
			}
			count++
		}
		return nil
	}
	for _, st := range Setup(id, "UTC", lanes) {
		if err := do(st); err != nil {
			return count, err
		}
	}
	day := start
	for slot := 0; ; slot++ {
		lane, k := slot%lanes, slot/lanes
		roundDone := lane == 0 && k%LanePeriod == 0
		if roundDone && count >= n {
			return count, nil
		}
		if roundDone && now.Sub(day) >= dayEnd {
			day = day.AddDate(0, 0, 1)
			now = day.Add(dayStart)
			if err := do(Meeting(lanes)); err != nil {
				return count, err
			}
		}
		st := LaneStep(lane, k)
		if st.Cmd.Do == Read.Cmd.Do {
			continue
		}
		now = now.Add(actionStep)
		if err := do(st); err != nil {
			return count, err
		}
	}
}
