package investigate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// longReport is a report whose timeline holds n entries and whose findings cite the
// entries cited.
func longReport(n int, cited ...uint64) *Report {
	r := &Report{Timeline: make([]Event, n)}
	for i := range r.Timeline {
		r.Timeline[i] = Event{Index: uint64(i), Type: "firearm.inspect", Summary: fmt.Sprintf("entry %d", i)}
	}
	s := Safeguard{Rule: "r", Title: "r", Status: Failed}
	for _, c := range cited {
		s.Findings = append(s.Findings, Finding{Index: c, Entries: []uint64{c}, People: []Actor{}})
	}
	r.FailureChain = []Safeguard{s}
	return r
}

func TestPrintedTimeline(t *testing.T) {
	many := make([]uint64, 3000)
	for i := range many {
		many[i] = uint64(10 + 3*i)
	}
	tests := []struct {
		name     string
		r        *Report
		rows     int // entries printed
		gaps     int
		has      []uint64 // entries that must be printed
		lacks    []uint64
		noteWith string // "" when printed whole
	}{
		{"short: printed whole", longReport(timelinePrinted, 5), timelinePrinted, 0, []uint64{0, 1999}, nil, ""},
		{"long: cited entries with those around them and the ends", longReport(5000, 100, 2500), 34, 3,
			[]uint64{0, 9, 97, 100, 103, 2497, 2503, 4990, 4999}, []uint64{10, 96, 104, 2496, 2504, 4989},
			"The timeline holds 5,000 entries, too many to print: this page shows 34 of them, those the failure chain, the overrides and the incidents cite, with the 3 entries before and after each, and the first and last 10."},
		{"long, nothing cited: the ends", longReport(5000), 20, 1, []uint64{0, 9, 4990, 4999}, []uint64{10, 4989}, "shows the first and last 10; the failure chain, the overrides and the incidents cite none."},
		{"cited entries too many: the first of them", longReport(20000, many...), timelinePrinted, timelinePrinted - 2*timelineEnds,
			[]uint64{0, 10, 13, many[1979]}, []uint64{11, many[1980]}, "the first 1,980 of the 3,000 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, note := printedTimeline(tt.r)
			var printed []uint64
			gaps := 0
			for _, row := range rows {
				if row.Gap != "" {
					gaps++
				} else {
					printed = append(printed, row.Index)
				}
			}
			if len(printed) != tt.rows || gaps != tt.gaps {
				t.Errorf("%d entries and %d gaps printed, want %d and %d", len(printed), gaps, tt.rows, tt.gaps)
			}
			for _, i := range tt.has {
				if !slices.Contains(printed, i) {
					t.Errorf("entry %d not printed", i)
				}
			}
			for _, i := range tt.lacks {
				if slices.Contains(printed, i) {
					t.Errorf("entry %d printed", i)
				}
			}
			if (tt.noteWith == "") != (note == "") || !strings.Contains(note, tt.noteWith) {
				t.Errorf("note %q, want one with %q", note, tt.noteWith)
			}
			page, err := HTML(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if tt.noteWith != "" && !bytes.Contains(page, []byte("entries not printed, #")) {
				t.Errorf("the page shows no gap row")
			}
		})
	}
}

func TestPrintedTimelineGap(t *testing.T) {
	rows, _ := printedTimeline(longReport(5000, 100))
	var gaps []string
	for _, row := range rows {
		if row.Gap != "" {
			gaps = append(gaps, row.Gap)
		}
	}
	want := []string{"… 87 entries not printed, #10 to #96 …", "… 4,886 entries not printed, #104 to #4989 …"}
	if !slices.Equal(gaps, want) {
		t.Errorf("gaps = %q, want %q", gaps, want)
	}
}

func TestPrintedConcerns(t *testing.T) {
	r := longReport(10, 3)
	for i := range concernsPrinted + 500 {
		c := Concern{ID: fmt.Sprintf("c-%d", i), Status: "resolved"}
		switch i {
		case 7:
			c.Status = "open"
		case 8:
			c.Level = 2
		case 9, 11:
			c.Level = 1 // the first notice: in time
		case 12:
			c.Status = "dismissed"
		case 10:
			r.FailureChain[0].Findings[0].Concern = c.ID
		}
		r.Concerns = append(r.Concerns, c)
	}
	got, note := printedConcerns(r)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if want := []string{"c-7", "c-8", "c-10", "c-12"}; !slices.Equal(ids, want) {
		t.Errorf("printed %q, want %q", ids, want)
	}
	if want := "1,500 concerns were filed, too many to print: this page lists the 4 that were not resolved, were not answered in time (escalated to level 2 or more) or are cited by a finding; the other 1,496 were resolved in time."; !strings.Contains(note, want) {
		t.Errorf("note %q lacks %q", note, want)
	}
	for i := range r.Concerns {
		r.Concerns[i].Status, r.Concerns[i].Level = "resolved", 1
	}
	r.FailureChain[0].Findings[0].Concern = ""
	if got, note := printedConcerns(r); len(got) != 0 || !strings.Contains(note, "1,500 concerns were filed, too many to print; all were resolved in time") {
		t.Errorf("%d concerns printed, note %q; want none, and why", len(got), note)
	}
	r.Concerns = r.Concerns[:concernsPrinted]
	if got, note := printedConcerns(r); len(got) != concernsPrinted || note != "" {
		t.Errorf("%d of %d concerns printed, note %q; want all, no note", len(got), concernsPrinted, note)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1000026: "1,000,026", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
