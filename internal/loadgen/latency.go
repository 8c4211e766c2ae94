package loadgen

import (
	"fmt"
	"slices"
	"time"
)

// Summary is the distribution of a set of latencies.
type Summary struct {
	N                   int
	P50, P99, P999, Max time.Duration
	Mean                time.Duration
}

// Summarize returns the distribution of ds; ds is not modified.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Summary{
		N:    len(s),
		P50:  Percentile(s, 50),
		P99:  Percentile(s, 99),
		P999: Percentile(s, 99.9),
		Max:  s[len(s)-1],
		Mean: sum / time.Duration(len(s)),
	}
}

// Percentile returns the p-th percentile (nearest rank) of sorted, which must be
// sorted in increasing order and not empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func (s Summary) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return fmt.Sprintf("p50 %v, p99 %v, p99.9 %v, max %v (n=%d)", r(s.P50), r(s.P99), r(s.P999), r(s.Max), s.N)
}
