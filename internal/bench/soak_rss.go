package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memSampler follows a server's memory during the measured run: its resident set
// from /proc/PID/status at a fixed interval, and the live heap of every garbage
// collection its runtime traces. Each sample notes how many entries the log held
// then, since the state the server keeps in memory grows with the log.
type memSampler struct {
	mu      sync.Mutex
	start   time.Time
	entries func() int64
	rss     []rssSample
	gc      []gcSample
}

type rssSample struct {
	at      time.Duration // since start
	kib     int64         // VmRSS: everything resident, the binary's mapped code too
	anonKiB int64         // RssAnon: the memory the process allocated
	entries int64
}

type gcSample struct {
	at      time.Duration
	liveKiB int64 // what the collection found live (the trace has MiB resolution)
	entries int64
}

// sampleMemory samples pid's RSS every interval until ctx ends and takes the GC
// traces the child reports, noting entries() at each sample.
func sampleMemory(ctx context.Context, srv *child, interval time.Duration, entries func() int64) *memSampler {
	s := &memSampler{start: time.Now(), entries: entries}
	onGC := func(liveMiB int64) {
		n := entries()
		s.mu.Lock()
		s.gc = append(s.gc, gcSample{at: time.Since(s.start), liveKiB: liveMiB << 10, entries: n})
		s.mu.Unlock()
	}
	srv.onGC.Store(&onGC)
	go func() {
		defer srv.onGC.Store(nil)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if kib, anon, err := readRSS(srv.pid()); err == nil {
				n := entries()
				s.mu.Lock()
				s.rss = append(s.rss, rssSample{at: time.Since(s.start), kib: kib, anonKiB: anon, entries: n})
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// readRSS returns the VmRSS and RssAnon lines of /proc/PID/status, in KiB.
func readRSS(pid int) (rss, anon int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for _, field := range []struct {
			prefix string
			v      *int64
		}{{"VmRSS:", &rss}, {"RssAnon:", &anon}} {
			if rest, ok := strings.CutPrefix(sc.Text(), field.prefix); ok {
				if *field.v, err = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err != nil {
					return 0, 0, fmt.Errorf("/proc/%d/status: %w", pid, err)
				}
				found++
			}
		}
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("/proc/%d/status: no VmRSS and RssAnon", pid)
	}
	return rss, anon, nil
}

// quarterMeans are the means of one measure over each quarter of the run, and of the
// log's size at the same samples.
type quarterMeans struct {
	value, entries [4]float64 // KiB, entries
	n              [4]int
	peak           int64
}

// quarters splits samples taken over total into its quarters.
func quarters[S any](samples []S, total time.Duration, at func(S) time.Duration, value func(S) int64, entries func(S) int64) quarterMeans {
	var q quarterMeans
	var sum, sumE [4]float64
	for _, x := range samples {
		i := min(max(int(4*at(x)/total), 0), 3)
		sum[i] += float64(value(x))
		sumE[i] += float64(entries(x))
		q.n[i]++
		q.peak = max(q.peak, value(x))
	}
	for i := range 4 {
		if q.n[i] > 0 {
			q.value[i], q.entries[i] = sum[i]/float64(q.n[i]), sumE[i]/float64(q.n[i])
		}
	}
	return q
}

// measures returns the quarter means of the live heap, the anonymous RSS and VmRSS.
func (s *memSampler) measures(total time.Duration) (live, anon, rss quarterMeans) {
	s.mu.Lock()
	defer s.mu.Unlock()
	live = quarters(s.gc, total, func(x gcSample) time.Duration { return x.at }, func(x gcSample) int64 { return x.liveKiB },
		func(x gcSample) int64 { return x.entries })
	anon = quarters(s.rss, total, func(x rssSample) time.Duration { return x.at }, func(x rssSample) int64 { return x.anonKiB },
		func(x rssSample) int64 { return x.entries })
	rss = quarters(s.rss, total, func(x rssSample) time.Duration { return x.at }, func(x rssSample) int64 { return x.kib },
		func(x rssSample) int64 { return x.entries })
	return live, anon, rss
}

// memCheck is the flat-memory criterion applied to one measure: from the second
// quarter of the run to the last, it may rise in proportion to the log (the state
// held in memory is folded from it), that rise plus growth more, plus slack for the
// measure's resolution and noise.
type memCheck struct {
	name         string
	from, to     float64 // KiB: means of the second and last quarters
	eFrom, eTo   float64 // entries in the log at the same samples
	allowed      float64 // KiB the measure may rise
	slack        float64 // KiB of that for resolution and noise
	enough, flat bool
}

func checkMemory(name string, q quarterMeans, growth, slackKiB float64) memCheck {
	c := memCheck{name: name, from: q.value[1], to: q.value[3], eFrom: q.entries[1], eTo: q.entries[3], slack: slackKiB}
	c.enough = q.n[1] > 0 && q.n[3] > 0 && c.eFrom > 0
	if !c.enough {
		return c
	}
	logGrowth := max(c.eTo/c.eFrom-1, 0)
	c.allowed = c.from*logGrowth*(1+growth) + slackKiB
	c.flat = c.to-c.from <= c.allowed
	return c
}

// perEntry is how many bytes the measure rose per entry the log gained.
func (c memCheck) perEntry() float64 {
	if c.eTo <= c.eFrom {
		return 0
	}
	return 1024 * (c.to - c.from) / (c.eTo - c.eFrom)
}

func (c memCheck) String() string {
	if !c.enough {
		return c.name + ": too few samples in the second or last quarter"
	}
	verdict := "flat"
	if !c.flat {
		verdict = "GROWS beyond the log"
	}
	return fmt.Sprintf("%s: %s -> %s (%+.1f MiB, %.0f bytes per new entry); allowed %+.1f MiB: %s",
		c.name, mibf(c.from), mibf(c.to), (c.to-c.from)/1024, c.perEntry(), c.allowed/1024, verdict)
}

func mib(kib int64) string         { return mibf(float64(kib)) }
func mibf(kib float64) string      { return fmt.Sprintf("%.1f MiB", kib/1024) }
func pct(from, to float64) float64 { return 100 * (to/from - 1) }
