package main

import (
	"fmt"
	"io"
	"time"

	"coldset/internal/loadmix"
)

// soakResult is what a soak run measured and found.
type soakResult struct {
	crew    loadmix.Crew
	stats   loadmix.Stats
	acks    *loadmix.Acks
	rss     *rssSampler
	elapsed time.Duration
	size    uint64 // entries in the soak production's log at the end

	stopErr   error // the server did not shut down cleanly
	ackErr    error // acknowledged actions missing from the log
	verifyErr error // verify found a mismatch
}

// print writes the run's figures.
func (r *soakResult) print(w io.Writer, c soakConfig) {
	answered := r.stats.Answered()
	fmt.Fprintf(w, "  %d requests answered in %v (%.1f/s), %d actions acknowledged %v, log of %d entries\n",
		answered, r.elapsed.Round(time.Millisecond), float64(answered)/r.elapsed.Seconds(), r.acks.Total(), r.acks.ByAction(), r.size)
	r.stats.Print(w)
	q, acked, peak := r.rss.quarters(r.elapsed)
	fmt.Fprintf(w, "  server RSS (%d samples, every %v): quarter means %s, %s, %s, %s; peak %s\n",
		r.rss.count(), c.sample, mib(q[0]), mib(q[1]), mib(q[2]), mib(q[3]), mib(peak))
	if q[1] > 0 {
		fmt.Fprintf(w, "  RSS last quarter vs second: %+.1f%% (limit %+.0f%%)", 100*(float64(q[3])/float64(q[1])-1), 100*c.growth)
		// The state of a production is held in memory and grows with its log: the
		// rise per action tells growth with the data from growth with time.
		if n := acked[3] - acked[1]; n > 0 {
			fmt.Fprintf(w, ", %+d bytes per action acknowledged meanwhile (%d)", 1024*(q[3]-q[1])/n, n)
		}
		fmt.Fprintln(w)
	}
}

// failures lists what makes the run fail.
func (r *soakResult) failures(c soakConfig) []string {
	var out []string
	if n := r.stats.ServerErrors(); n > 0 {
		out = append(out, fmt.Sprintf("%d answers were 5xx", n))
	}
	if r.stats.Transport > 0 {
		out = append(out, fmt.Sprintf("%d requests got no answer", r.stats.Transport))
	}
	if r.acks.Total() == 0 {
		out = append(out, "no action was acknowledged")
	}
	q, _, _ := r.rss.quarters(r.elapsed)
	switch {
	case q[1] == 0 || q[3] == 0:
		out = append(out, "too few RSS samples to compare the quarters: run longer or sample more often")
	case float64(q[3]) > (1+c.growth)*float64(q[1]):
		out = append(out, fmt.Sprintf("memory grew: mean RSS %s in the last quarter, %s in the second", mib(q[3]), mib(q[1])))
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
