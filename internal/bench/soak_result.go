package bench

import (
	"fmt"
	"io"
	"time"

	"coldset/internal/loadmix"
)

// soakResult is what a soak run measured and found.
type soakResult struct {
	crew loadmix.Crew
	acks *loadmix.Acks

	warm        loadmix.Stats // the warm-up's answers
	warmElapsed time.Duration
	warmActions int  // actions acknowledged by the end of the warm-up
	warmShort   bool // the warm-up ended before the history was in
	startSize   uint64

	stats   loadmix.Stats // the measured run's answers
	mem     *memSampler
	elapsed time.Duration
	size    uint64 // entries in the soak production's log at the end

	stopErr   error // the server did not shut down cleanly
	ackErr    error // acknowledged actions missing from the log
	verifyErr error // verify found a mismatch
}

// Margins of the memory checks for what the measures cannot resolve: the GC trace
// counts whole MiB, and the resident set moves by a few MiB as the runtime returns
// freed pages to the system and takes them back.
const (
	liveSlackKiB = 1 << 10
	anonSlackKiB = 4 << 10
)

// memChecks applies the flat-memory criterion to the live heap and the anonymous RSS.
func (r *soakResult) memChecks(c soakConfig) []memCheck {
	if r.mem == nil {
		return nil
	}
	live, anon, _ := r.mem.measures(r.elapsed)
	return []memCheck{
		checkMemory("live heap after GC", live, c.growth, liveSlackKiB),
		checkMemory("anonymous RSS", anon, c.growth, anonSlackKiB),
	}
}

// print writes the run's figures.
func (r *soakResult) print(w io.Writer, c soakConfig) {
	if r.stats.Status == nil {
		return // the run did not start
	}
	if r.warmElapsed > 0 {
		n := r.warm.Answered()
		fmt.Fprintf(w, "  warm-up: %d requests answered in %v (%.1f/s), %d of them 5xx, %d without an answer\n",
			n, r.warmElapsed.Round(time.Millisecond), float64(n)/r.warmElapsed.Seconds(), r.warm.ServerErrors(), r.warm.Transport)
	}
	answered := r.stats.Answered()
	fmt.Fprintf(w, "  run: %d requests answered in %v (%.1f/s), %d actions acknowledged %v; log of %d entries at the start, %d at the end\n",
		answered, r.elapsed.Round(time.Millisecond), float64(answered)/r.elapsed.Seconds(), r.acks.Total()-r.warmActions,
		r.acks.ByAction(), r.startSize, r.size)
	r.stats.Print(w)
	if r.mem == nil {
		return
	}
	live, anon, rss := r.mem.measures(r.elapsed)
	quarter := func(q quarterMeans) string {
		return fmt.Sprintf("%s, %s, %s, %s", mibf(q.value[0]), mibf(q.value[1]), mibf(q.value[2]), mibf(q.value[3]))
	}
	fmt.Fprintf(w, "  server memory by quarter of the run (means):\n")
	fmt.Fprintf(w, "    log entries          %.0f, %.0f, %.0f, %.0f\n", anon.entries[0], anon.entries[1], anon.entries[2], anon.entries[3])
	fmt.Fprintf(w, "    live heap after GC   %s (%d collections)\n", quarter(live), live.n[0]+live.n[1]+live.n[2]+live.n[3])
	fmt.Fprintf(w, "    anonymous RSS        %s; peak %s\n", quarter(anon), mib(anon.peak))
	fmt.Fprintf(w, "    VmRSS                %s; peak %s (with the binary's mapped code; not checked)\n", quarter(rss), mib(rss.peak))
	checks := r.memChecks(c)
	if len(checks) > 0 && checks[0].enough {
		fmt.Fprintf(w, "  memory flat? From the second quarter to the last the log grew %+.1f%%; each measure may rise as much\n"+
			"  in proportion, %+.0f%% of that more, and a margin (%s heap, %s RSS):\n",
			pct(checks[0].eFrom, checks[0].eTo), 100*c.growth, mib(liveSlackKiB), mib(anonSlackKiB))
	}
	for _, m := range checks {
		fmt.Fprintf(w, "    %s\n", m)
	}
}

// failures lists what makes the run fail.
func (r *soakResult) failures(c soakConfig) []string {
	var out []string
	for _, s := range []struct {
		name  string
		stats loadmix.Stats
	}{{"in the warm-up", r.warm}, {"in the run", r.stats}} {
		if s.stats.Status == nil {
			continue
		}
		if n := s.stats.ServerErrors(); n > 0 {
			out = append(out, fmt.Sprintf("%d answers were 5xx %s", n, s.name))
		}
		if s.stats.Transport > 0 {
			out = append(out, fmt.Sprintf("%d requests got no answer %s", s.stats.Transport, s.name))
		}
	}
	if r.warmShort {
		out = append(out, fmt.Sprintf("the warm-up ended with %d of %d actions acknowledged", r.warmActions, c.history))
	}
	if r.acks.Total() == r.warmActions {
		out = append(out, "no action was acknowledged in the run")
	}
	for _, m := range r.memChecks(c) {
		switch {
		case !m.enough:
			out = append(out, m.name+": too few samples to compare the quarters; run longer or sample more often")
		case !m.flat:
			out = append(out, fmt.Sprintf("memory grew beyond the log: %s", m))
		}
	}
	for _, err := range []error{r.stopErr, r.ackErr} {
		if err != nil {
			out = append(out, err.Error())
		}
	}
	if r.verifyErr != nil {
		out = append(out, "verify failed")
	}
	return out
}
