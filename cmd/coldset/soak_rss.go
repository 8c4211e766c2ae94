package main

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

// rssSampler reads a process's resident set size from /proc/PID/status at a fixed
// interval.
type rssSampler struct {
	mu      sync.Mutex
	start   time.Time
	samples []rssSample
}

type rssSample struct {
	at    time.Duration // since start
	kib   int64
	acked int // actions acknowledged by then: how much the log has grown
}

// sampleRSS samples pid's VmRSS every interval until ctx ends, noting acked() at
// each sample.
func sampleRSS(ctx context.Context, pid int, interval time.Duration, acked func() int) *rssSampler {
	s := &rssSampler{start: time.Now()}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if kib, err := readRSS(pid); err == nil {
				s.mu.Lock()
				s.samples = append(s.samples, rssSample{at: time.Since(s.start), kib: kib, acked: acked()})
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

// readRSS returns the VmRSS line of /proc/PID/status, in KiB.
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}

// quarters returns the mean RSS, in KiB, and the mean number of actions
// acknowledged, of the samples in each quarter of total, and the largest sample.
func (s *rssSampler) quarters(total time.Duration) (mean, acked [4]int64, peak int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum, sumAcked, n [4]int64
	for _, x := range s.samples {
		q := min(int(4*x.at/total), 3)
		sum[q] += x.kib
		sumAcked[q] += int64(x.acked)
		n[q]++
		peak = max(peak, x.kib)
	}
	for q := range 4 {
		if n[q] > 0 {
			mean[q], acked[q] = sum[q]/n[q], sumAcked[q]/n[q]
		}
	}
	return mean, acked, peak
}

// count returns how many samples were taken.
func (s *rssSampler) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.samples)
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
