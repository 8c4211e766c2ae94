package rules

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

// concernsDay files, answers and reopens concerns of several reporters, and opens and
// closes incidents, so that open and closed ones interleave in filing order.
func concernsDay(f *fixture) {
	resolve := func(id string) step {
		return step{as: "sol", do: "concern.resolve", with: `{"concern":"` + id + `","action":"fixed"}`}
	}
	f.run(
		fileConcern("cam", "c1", "equipment", "low"),
		fileConcern("kim", "c2", "conduct", "high"),
		fileConcern("anonymous", "c3", "fatigue", "low"),
		fileConcern("cam", "c4", "equipment", "high"),
		fileConcern("leo", "concern-7", "equipment", "low"),
		resolve("c1"),
		step{as: "sol", do: "concern.dismiss", with: `{"concern":"c3","reason":"no"}`},
		resolve("c4"),
		step{as: "cam", do: "concern.reopen", with: `{"concern":"c4"}`},
		fileConcern("raf", "c5", "equipment", "low"),
		resolve("c5"),
		resolve("concern-7"),
		step{as: "kim", do: "incident.report", with: `{"id":"report-2","kind":"near-miss","text":"x"}`},
		step{as: "kim", do: "incident.report", with: `{"id":"r3","kind":"other","text":"x"}`},
		step{as: "sol", do: "incident.close", with: `{"incident":"report-2","findings":"f","actions":"a"}`},
		step{after: time.Hour, as: "kim", do: "training.request", with: `{"id":"training-4","type":"rifle","hours":2,"note":"scene 40"}`},
	)
}

// filterOpen is the full overview with only the open concerns and incidents.
func filterOpen(o Overview) Overview {
	o.Concerns = slices.DeleteFunc(o.Concerns, func(c ConcernView) bool { return c.Status != "open" })
	o.Incidents = slices.DeleteFunc(o.Incidents, func(i IncidentView) bool { return !i.Open })
	return o
}

func TestOpenOverviewIsTheOverviewOfWhatIsOpen(t *testing.T) {
	for name, play := range map[string]func(*fixture){"busy day": busyDay, "concerns": concernsDay} {
		t.Run(name, func(t *testing.T) {
			f := dayFixture(t, "")
			play(f)
			if got, want := f.s.OpenOverview(), filterOpen(f.s.Overview()); !reflect.DeepEqual(got, want) {
				t.Errorf("OpenOverview:\n%+v\nwant\n%+v", got, want)
			}
			// The indexes are part of the fold: a rebuild from the events has them too.
			s := New()
			for _, e := range f.log {
				if err := s.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(s, f.s) {
				t.Error("rebuilt state differs")
			}
		})
	}
}

func TestClosedConcernsPages(t *testing.T) {
	f := dayFixture(t, "")
	concernsDay(f)
	cases := []struct {
		name      string
		reporters []string
		want      []string // every page, in order
	}{
		{"all", nil, []string{"c5", "concern-7", "c3", "c1"}},
		{"one reporter", []string{"cam"}, []string{"c1"}},
		{"reporters", []string{"raf", "leo", "cam", "leo"}, []string{"c5", "concern-7", "c1"}},
		{"anonymous has no reporter", []string{""}, []string{}},
		{"none", []string{}, []string{}},
	}
	for _, tc := range cases {
		for _, limit := range []int{1, 2, 3, 100} {
			var got []string
			after := ""
			for range 10 {
				page, next := f.s.ClosedConcerns(tc.reporters, after, limit)
				if len(page) > limit {
					t.Errorf("%s, limit %d: page of %d", tc.name, limit, len(page))
				}
				for _, c := range page {
					if c.Status == "open" {
						t.Errorf("%s: open concern %s listed", tc.name, c.ID)
					}
					got = append(got, c.ID)
				}
				if next == "" {
					break
				}
				after = next
			}
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("%s, limit %d: %v, want %v", tc.name, limit, got, tc.want)
			}
		}
	}
	// An open concern is a cursor like any other: paging goes on from where it was filed.
	if page, _ := f.s.ClosedConcerns(nil, "c4", 10); len(page) != 2 || page[0].ID != "c3" || page[1].ID != "c1" {
		t.Errorf("after c4: %v, want c3, c1", page)
	}
	if page, next := f.s.ClosedConcerns(nil, "nothing", 10); len(page) != 0 || next != "" {
		t.Errorf("after an unknown id: %v, %q", page, next)
	}
	if page, next := f.s.ClosedIncidents("", 1); len(page) != 1 || page[0].ID != "report-2" || next != "" {
		t.Errorf("closed incidents: %v, %q; want report-2 alone", page, next)
	}
	if c, ok := f.s.Concern("c1"); !ok || c.Status != "resolved" || c.Reporter != "cam" {
		t.Errorf("Concern(c1) = %+v, %v", c, ok)
	}
	if i, ok := f.s.Incident("r3"); !ok || !i.Open {
		t.Errorf("Incident(r3) = %+v, %v", i, ok)
	}
}

func TestNextIDAndReceipts(t *testing.T) {
	f := dayFixture(t, "")
	concernsDay(f)
	for prefix, want := range map[string]string{"concern": "concern-8", "report": "report-3", "training": "training-5", "c": "c-1", "new": "new-1"} {
		if got := f.s.NextID(prefix); got != want {
			t.Errorf("NextID(%q) = %q, want %q", prefix, got, want)
		}
	}
	if id, ok := f.s.ConcernForReceipt("receipt-1"); !ok || id != "c3" {
		t.Errorf("ConcernForReceipt(receipt-1) = %q, %v; want c3", id, ok)
	}
	if id, ok := f.s.ConcernForReceipt("receipt-2"); ok {
		t.Errorf("ConcernForReceipt(receipt-2) = %q, want none", id)
	}
}

// TestIndexesFollowRefiling applies a concern and an incident filed again under ids on
// file, which Decide never emits but a hand-made ledger may hold: the lists keep one
// place per id.
func TestIndexesFollowRefiling(t *testing.T) {
	f := dayFixture(t, "")
	concernsDay(f)
	at := f.clock
	for _, e := range []Event{
		{Type: "concern.file", Time: at, Actor: "kim", Data: json.RawMessage(`{"id":"c1","category":"equipment","severity":"low","text":"again"}`)},
		{Type: "incident.report", Time: at, Actor: "kim", Data: json.RawMessage(`{"id":"report-2","kind":"other","text":"again"}`)},
	} {
		if err := f.s.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := f.s.OpenOverview(), filterOpen(f.s.Overview()); !reflect.DeepEqual(got, want) {
		t.Errorf("OpenOverview after refiling:\n%+v\nwant\n%+v", got.Concerns, want.Concerns)
	}
	if page, _ := f.s.ClosedConcerns([]string{"cam"}, "", 10); len(page) != 0 {
		t.Errorf("cam's closed concerns after c1 was filed again by kim: %v", page)
	}
	if page, _ := f.s.ClosedConcerns(nil, "", 10); len(page) != 3 {
		t.Errorf("closed concerns after c1 was filed again: %v, want 3", page)
	}
	if page, _ := f.s.ClosedIncidents("", 10); len(page) != 0 {
		t.Errorf("closed incidents after report-2 was opened again: %v", page)
	}
}
