package investigate

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWesternOverridesAndAmmunition(t *testing.T) {
	r := westernJSON(t)
	var overrides []string
	for _, o := range r.Overrides {
		overrides = append(overrides, o.Kind+" by "+o.By.ID+": "+o.Reason)
	}
	want := []string{
		"training.deny by upm: no time in the schedule",
		"hold.override by producer: we are on schedule; keep shooting",
		"hold.override by producer: we cannot lose another day",
	}
	if !slices.Equal(overrides, want) {
		t.Errorf("overrides = %q, want %q", overrides, want)
	}
	lots := map[string]Lot{}
	for _, l := range r.Ammunition {
		lots[l.Lot] = l
	}
	box := lots["box-b"]
	if box.Supplier != "" || box.Verified != nil || box.Received != 21 {
		t.Errorf("box-b = supplier %q verified %v received %d, want no supplier, never verified, #21", box.Supplier, box.Verified, box.Received)
	}
	var texts []string
	for _, d := range box.Discrepancies {
		texts = append(texts, d.Text)
	}
	for _, w := range []string{"received without a supplier or a receipt", "dummy-verified", "never verified round by round"} {
		if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("box-b discrepancies %q lack %q", texts, w)
		}
	}
	if d := lots["dummies-a"]; d.Verified == nil || *d.Verified != 19 || len(d.Discrepancies) != 0 {
		t.Errorf("dummies-a = verified %v, discrepancies %v; want verified at #19, none", d.Verified, d.Discrepancies)
	}
	if b := lots["blanks-a"]; b.Loaded != 12 || b.Supplier != "Prop supplier A" || b.Receipt != "INV-2110-02" {
		t.Errorf("blanks-a = %+v", b)
	}
}

func TestTimelineFilter(t *testing.T) {
	rec, _ := westernRecord(t)
	loc, _ := time.LoadLocation("America/Denver")
	tests := []struct {
		name string
		opts Options
		want []uint64
	}{
		{"refusals", Options{Filter: Filter{Kind: "refused"}}, []uint64{46, 57, 59, 60, 61, 62}},
		{"lot box-b", Options{Filter: Filter{Lot: "box-b"}}, []uint64{21, 22, 57}},
		{"person upm", Options{Filter: Filter{Person: "upm"}}, []uint64{2, 24, 42, 43}}, // 42, 43: escalations notifying upm
		{"walk-off flags", Options{Filter: Filter{Kind: "walkoff"}}, []uint64{52, 55}},
		{"refusals on 21 October", Options{From: time.Date(2021, 10, 21, 0, 0, 0, 0, loc), To: time.Date(2021, 10, 21, 23, 59, 0, 0, loc), Filter: Filter{Kind: "refused"}}, []uint64{57, 59, 60, 61, 62}},
		{"firearm colt-45 before the discharge", Options{To: time.Date(2021, 10, 16, 9, 0, 0, 0, loc), Filter: Filter{Firearm: "colt-45"}}, []uint64{17, 31, 32, 33}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Build(rec, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, ev := range r.Timeline {
				got = append(got, ev.Index)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("timeline = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDaily(t *testing.T) {
	rec, _ := westernRecord(t)
	tests := []struct {
		date                  string
		refusals, escalations []uint64
		flags                 []string
		holds                 []string
		overrides             int
	}{
		{"2021-10-21", []uint64{57, 59, 60, 61, 62}, nil, []string{"walkoff active"}, []string{"discharge-stops-work", "risk-red-hold"}, 0},
		{"2021-10-18", []uint64{46}, []uint64{50}, []string{"override active"}, []string{"discharge-stops-work"}, 1},
		{"2021-10-09", nil, nil, []string{"training-denied active", "override active"}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d, err := BuildDaily(rec, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			idx := func(evs []Event) (out []uint64) {
				for _, e := range evs {
					out = append(out, e.Index)
				}
				return out
			}
			var flags []string
			for _, f := range d.Flags {
				flags = append(flags, f.Rule+" "+f.Status)
			}
			if got := idx(d.Refusals); !slices.Equal(got, tt.refusals) {
				t.Errorf("refusals = %v, want %v", got, tt.refusals)
			}
			if got := idx(d.Escalations); !slices.Equal(got, tt.escalations) {
				t.Errorf("escalations = %v, want %v", got, tt.escalations)
			}
			if !slices.Equal(flags, tt.flags) {
				t.Errorf("flags = %q, want %q", flags, tt.flags)
			}
			if !slices.Equal(d.State.Holds, nonNil(tt.holds)) {
				t.Errorf("holds at end of day = %q, want %q", d.State.Holds, tt.holds)
			}
			if len(d.Overrides) != tt.overrides {
				t.Errorf("%d overrides, want %d", len(d.Overrides), tt.overrides)
			}
			if len(d.Concerns) == 0 && tt.date != "2021-10-09" {
				t.Errorf("no concern listed; the discharges concern was open")
			}
		})
	}
}
