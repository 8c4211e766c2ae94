package rules_test

import (
	"fmt"
	"slices"
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

// BenchmarkOverview measures the full overview, every concern and incident ever
// filed: it costs more as a production's history grows. The server reads
// OpenOverview instead (BenchmarkOpenOverview).
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

// BenchmarkOpenOverview measures what the server reads on every overview (the API's
// GET and every page): the open concerns and incidents from the indexes Apply keeps,
// and a page of closed concerns. Neither should cost more as the history grows.
func BenchmarkOpenOverview(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		s, _ := historyState(b, n)
		b.Run(fmt.Sprintf("open/events=%d", n), func(b *testing.B) {
			for b.Loop() {
				s.OpenOverview()
			}
		})
		b.Run(fmt.Sprintf("closed-page/events=%d", n), func(b *testing.B) {
			for b.Loop() {
				if page, _ := s.ClosedConcerns(nil, "", 50); len(page) == 0 {
					b.Fatal("no closed concerns")
				}
			}
		})
	}
}

// TestOpenOverviewOfAHistory checks the open overview and the closed pages against the
// full overview of a production with a history of the load generator's lanes.
func TestOpenOverviewOfAHistory(t *testing.T) {
	s := rules.New()
	if _, err := loadgen.History("p1", loadgen.FillLanes, 6_000, loadgen.HistoryStart, s.Apply); err != nil {
		t.Fatal(err)
	}
	full := s.Overview()
	open := s.OpenOverview()
	var wantOpen, wantClosed []string
	for _, c := range full.Concerns {
		if c.Status == "open" {
			wantOpen = append(wantOpen, c.ID)
		} else {
			wantClosed = append(wantClosed, c.ID)
		}
	}
	var gotOpen, gotClosed []string
	for _, c := range open.Concerns {
		gotOpen = append(gotOpen, c.ID)
	}
	for after, pages := "", 0; ; pages++ {
		page, next := s.ClosedConcerns(nil, after, 37)
		for _, c := range page {
			gotClosed = append(gotClosed, c.ID)
		}
		if next == "" || pages > len(wantClosed) {
			break
		}
		after = next
	}
	slices.Sort(gotClosed)
	if len(wantClosed) < 100 || !slices.Equal(gotClosed, wantClosed) {
		t.Errorf("closed pages hold %d concerns, the overview %d closed ones", len(gotClosed), len(wantClosed))
	}
	if !slices.Equal(gotOpen, wantOpen) {
		t.Errorf("open overview: %v, want %v", gotOpen, wantOpen)
	}
	if len(open.People) != len(full.People) || len(open.Firearms) != len(full.Firearms) {
		t.Errorf("open overview has %d people and %d firearms, the full one %d and %d", len(open.People), len(open.Firearms), len(full.People), len(full.Firearms))
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
