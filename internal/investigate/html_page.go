package investigate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// A production of a million events has a timeline of a million entries: hundreds of
// megabytes of HTML that no one prints or reads. The page prints a long timeline
// shortened to what the findings rest on, and says what it left out; the failure
// chain, overrides, ammunition trace, incidents and people are always printed
// whole, as is the daily report, and the JSON report always holds everything.
const (
	timelinePrinted = 2000 // a timeline of at most this many entries is printed whole
	timelineAround  = 3    // entries printed before and after each cited one
	timelineEnds    = 10   // entries printed at each end of a shortened timeline
	concernsPrinted = 1000 // a list of at most this many concerns is printed whole
)

// reportPage is what the report's page prints: the report, with its timeline and its
// concerns as printed.
type reportPage struct {
	*Report
	Timeline     []timelineRow
	TimelineNote string // what a shortened timeline leaves out
	Concerns     []Concern
	ConcernsNote string
}

// timelineRow is an entry of the timeline, or (Gap set) the entries left out
// between two printed ones.
type timelineRow struct {
	Event
	Gap string
}

func newReportPage(r *Report) *reportPage {
	p := &reportPage{Report: r}
	p.Timeline, p.TimelineNote = printedTimeline(r)
	p.Concerns, p.ConcernsNote = printedConcerns(r)
	return p
}

// printedTimeline returns the timeline as printed. One longer than timelinePrinted
// is shortened to the entries the failure chain, the overrides and the incidents
// cite, with timelineAround entries either side of each, and the first and last
// timelineEnds entries; if that is still too long, to the cited entries alone, and
// then to the first of them.
func printedTimeline(r *Report) ([]timelineRow, string) {
	tl := r.Timeline
	if len(tl) <= timelinePrinted {
		rows := make([]timelineRow, len(tl))
		for i := range tl {
			rows[i].Event = tl[i]
		}
		return rows, ""
	}
	var at []int // positions in the timeline of the cited entries
	for _, idx := range r.cited(math.MaxUint64) {
		if i, ok := slices.BinarySearchFunc(tl, idx, func(ev Event, idx uint64) int { return cmp.Compare(ev.Index, idx) }); ok {
			at = append(at, i)
		}
	}
	around, cut := timelineAround, 0
	show := make([]bool, len(tl))
	count := func() int {
		clear(show)
		for i := range timelineEnds {
			show[i], show[len(tl)-1-i] = true, true
		}
		for _, i := range at {
			for j := max(0, i-around); j <= min(len(tl)-1, i+around); j++ {
				show[j] = true
			}
		}
		n := 0
		for _, s := range show {
			if s {
				n++
			}
		}
		return n
	}
	if count() > timelinePrinted {
		around = 0
		if count() > timelinePrinted {
			cut = len(at)
			at = at[:timelinePrinted-2*timelineEnds]
			cut -= len(at)
			count()
		}
	}
	var rows []timelineRow
	shown, from := 0, -1 // from: the first entry of a run left out
	for i := range tl {
		switch {
		case !show[i] && from < 0:
			from = i
		case show[i]:
			if from >= 0 {
				rows = append(rows, gapRow(tl[from:i]))
				from = -1
			}
			rows = append(rows, timelineRow{Event: tl[i]})
			shown++
		}
	}
	if from >= 0 {
		rows = append(rows, gapRow(tl[from:]))
	}
	if len(at) == 0 {
		note := fmt.Sprintf("The timeline holds %s entries, too many to print: this page shows the first and last %d; the failure chain, the overrides and the incidents cite none. "+
			"A row of dots stands for the entries left out. The whole timeline is in the JSON report (coldset report --format json; report.json in an evidence bundle).",
			thousands(len(tl)), timelineEnds)
		return rows, note
	}
	what := "those the failure chain, the overrides and the incidents cite"
	switch {
	case cut > 0:
		what = fmt.Sprintf("the first %s of the %s entries the failure chain, the overrides and the incidents cite", thousands(len(at)), thousands(len(at)+cut))
	case around > 0:
		what += fmt.Sprintf(", with the %d entries before and after each", around)
	}
	note := fmt.Sprintf("The timeline holds %s entries, too many to print: this page shows %s of them, %s, and the first and last %d. "+
		"Rows of dots stand for the entries left out. The whole timeline is in the JSON report (coldset report --format json; report.json in an evidence bundle).",
		thousands(len(tl)), thousands(shown), what, timelineEnds)
	return rows, note
}

func gapRow(left []Event) timelineRow {
	return timelineRow{Gap: fmt.Sprintf("… %s entries not printed, #%d to #%d …", thousands(len(left)), left[0].Index, left[len(left)-1].Index)}
}

// printedConcerns returns the concerns as printed. A list longer than
// concernsPrinted is shortened to those not resolved, escalated past a deadline
// (level 2 and up; level 1 is the first notice), or cited by a finding: the ones
// resolved in time are counted, not listed.
func printedConcerns(r *Report) ([]Concern, string) {
	if len(r.Concerns) <= concernsPrinted {
		return r.Concerns, ""
	}
	cited := map[string]bool{}
	for _, s := range r.FailureChain {
		for _, f := range s.Findings {
			cited[f.Concern] = true
		}
	}
	var out []Concern
	for _, c := range r.Concerns {
		if c.Status != "resolved" || c.Level >= 2 || cited[c.ID] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("%s concerns were filed, too many to print; all were resolved in time (none was escalated to level 2 or more, none is cited by a finding). Every concern is in the JSON report.",
			thousands(len(r.Concerns)))
	}
	which := "that were not resolved, were not answered in time (escalated to level 2 or more) or are cited by a finding"
	listed := fmt.Sprintf("the %s %s", thousands(len(out)), which)
	inTime := len(r.Concerns) - len(out)
	if len(out) > concernsPrinted {
		listed = fmt.Sprintf("the first %s of the %s %s", thousands(concernsPrinted), thousands(len(out)), which)
		out = out[:concernsPrinted]
	}
	note := fmt.Sprintf("%s concerns were filed, too many to print: this page lists %s; the other %s were resolved in time. Every concern is in the JSON report.",
		thousands(len(r.Concerns)), listed, thousands(inTime))
	return out, note
}

// thousands writes n with thousands separated by commas.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
