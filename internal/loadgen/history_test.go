package loadgen

import (
	"testing"
	"time"

	"coldset/internal/rules"
)

func TestHistoryIsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lanes int
		n     int
	}{
		{"one lane over three days", 1, 8000},
		{"eight lanes over two days", 8, 6000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []rules.Event
			n, err := History("p1", tc.lanes, tc.n, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), func(ev rules.Event) error {
				got = append(got, ev)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n || n < tc.n {
				t.Fatalf("got %d events, History says %d, want at least %d", len(got), n, tc.n)
			}
			types := map[string]int{}
			for _, ev := range got {
				types[ev.Type]++
			}
			for _, want := range []string{"firearm.inspect", "firearm.handoff", "firearm.accept", "firearm.return", "concern.file", "concern.resolve", "safety_meeting.hold"} {
				if types[want] == 0 {
					t.Errorf("no %s event in %v", want, types)
				}
			}
		})
	}
}

func TestLaneStepsFollowEachOther(t *testing.T) {
	s := rules.New()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	steps := Setup("p1", "UTC", 3)
	for k := range 3 * LanePeriod {
		for lane := range 3 {
			steps = append(steps, LaneStep(lane, k))
		}
	}
	for i, st := range steps {
		if st.Cmd.Do == Read.Cmd.Do {
			continue
		}
		now = now.Add(time.Second)
		evs := s.Decide(st.By, st.Cmd, now)
		if res := rules.Summarize(evs); res.Outcome != rules.OK {
			t.Fatalf("step %d %s by %s refused: %s: %s", i, st.Cmd.Do, st.By.Person, res.Rule, res.Message)
		}
		for _, ev := range evs {
			if err := s.Apply(ev); err != nil {
				t.Fatal(err)
			}
		}
	}
}
