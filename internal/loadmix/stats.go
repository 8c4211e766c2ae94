package loadmix

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"coldset/internal/loadgen"
)

// Stats counts a client's requests by kind ("POST firearm.handoff", "GET overview")
// and answer.
type Stats struct {
	Status    map[string]map[int]int      // kind -> HTTP status -> count
	Latency   map[string][]time.Duration  // kind -> latency of every answered request
	Transport int                         // requests that got no answer
	FirstFail map[int]string              // status (0: transport) -> the first answer with it
	Problems  map[int]map[string]struct{} // status >= 500 -> the problem types seen; PageError for pages
	// LastServerError is when the latest 5xx answer came.
	LastServerError time.Time
}

// PageError stands in Problems for a web page's error, which is HTML for people
// rather than a problem document.
const PageError = "(page)"

func newStats() Stats {
	return Stats{
		Status: map[string]map[int]int{}, Latency: map[string][]time.Duration{},
		FirstFail: map[int]string{}, Problems: map[int]map[string]struct{}{},
	}
}

func (s *Stats) answer(kind string, page bool, status int, elapsed time.Duration, body []byte) {
	if s.Status[kind] == nil {
		s.Status[kind] = map[int]int{}
	}
	s.Status[kind][status]++
	s.Latency[kind] = append(s.Latency[kind], elapsed)
	if status == 200 {
		return
	}
	if _, seen := s.FirstFail[status]; !seen {
		s.FirstFail[status] = kind + ": " + strings.TrimSpace(string(body))
	}
	if status >= 500 {
		s.LastServerError = time.Now()
		if s.Problems[status] == nil {
			s.Problems[status] = map[string]struct{}{}
		}
		p, err := ParseProblem(body)
		switch {
		case page:
			p.Type = PageError
		case err != nil:
			p.Type = "(not a problem document)"
		}
		s.Problems[status][p.Type] = struct{}{}
	}
}

func (s *Stats) transport(kind string, err error) {
	s.Transport++
	if _, seen := s.FirstFail[0]; !seen {
		s.FirstFail[0] = kind + ": " + err.Error()
	}
}

func (s Stats) clone() Stats {
	c := newStats()
	for k, v := range s.Status {
		c.Status[k] = maps.Clone(v)
	}
	for k, v := range s.Latency {
		c.Latency[k] = slices.Clone(v)
	}
	for k, v := range s.Problems {
		c.Problems[k] = maps.Clone(v)
	}
	c.Transport, c.FirstFail, c.LastServerError = s.Transport, maps.Clone(s.FirstFail), s.LastServerError
	return c
}

// Count returns how many answers had a status for which keep reports true.
func (s Stats) Count(keep func(status int) bool) int {
	n := 0
	for _, byStatus := range s.Status {
		for st, c := range byStatus {
			if keep(st) {
				n += c
			}
		}
	}
	return n
}

// Answered returns the number of requests that got an answer.
func (s Stats) Answered() int { return s.Count(func(int) bool { return true }) }

// ServerErrors returns the number of 5xx answers.
func (s Stats) ServerErrors() int { return s.Count(func(st int) bool { return st >= 500 }) }

// Print writes one line per kind (count, statuses, latency percentiles) and the
// first answer of every failing status.
func (s Stats) Print(w io.Writer) {
	var all []time.Duration
	for _, kind := range slices.Sorted(maps.Keys(s.Status)) {
		lat := s.Latency[kind]
		all = append(all, lat...)
		fmt.Fprintf(w, "    %-26s statuses %v  %s\n", kind, s.Status[kind], loadgen.Summarize(lat))
	}
	fmt.Fprintf(w, "    %-26s %s\n", "all answered requests", loadgen.Summarize(all))
	if s.Transport > 0 {
		fmt.Fprintf(w, "    %d requests got no answer\n", s.Transport)
	}
	for _, st := range slices.Sorted(maps.Keys(s.FirstFail)) {
		fmt.Fprintf(w, "    first %d: %s\n", st, s.FirstFail[st])
	}
}
