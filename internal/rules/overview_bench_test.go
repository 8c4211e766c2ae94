package rules_test

import (
	"fmt"
	"testing"
	"time"

	"coldset/internal/loadgen"
	"coldset/internal/rules"
)

// historyState folds a production of about n events of the load generator's history.
func historyState(b *testing.B, n int) (*rules.State, time.Time) {
	b.Helper()
	s := rules.New()
	var last time.Time
	if _, err := loadgen.History("p1", loadgen.FillLanes, n, loadgen.HistoryStart, func(ev rules.Event) error {
		last = ev.Time
		return s.Apply(ev)
	}); err != nil {
		b.Fatal(err)
	}
	return s, last
}

// BenchmarkOverview measures the production overview, which the server reads after
// every action (to answer the firearms' holds) and on every overview page. It should
// not cost more as a production's history grows; it does while it lists every
// concern ever filed.
func BenchmarkOverview(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, _ := historyState(b, n)
			for b.Loop() {
				s.Overview()
			}
		})
	}
}

// BenchmarkTickAndDecide measures what production.Do asks of the rules for one
// action, at growing production sizes: tick to now, then decide an inspection.
func BenchmarkTickAndDecide(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, last := historyState(b, n)
			step := loadgen.LaneStep(0, 0)
			now := last.Add(time.Minute)
			for b.Loop() {
				s.Tick(now)
				if evs := s.Decide(step.By, step.Cmd, now); len(evs) == 0 {
					b.Fatal("no events")
				}
			}
		})
	}
}

// BenchmarkFirearmHolds is what the server needs after an action, the holds of each
// firearm, read firearm by firearm instead of through Overview: it costs the same at
// any size.
func BenchmarkFirearmHolds(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, _ := historyState(b, n)
			for b.Loop() {
				holds := map[string][]string{}
				for j := range loadgen.FillLanes {
					if h := s.FirearmHolds(loadgen.Firearm(j)); len(h) > 0 {
						holds[loadgen.Firearm(j)] = h
					}
				}
				s.Risk()
				s.Holds()
			}
		})
	}
}
