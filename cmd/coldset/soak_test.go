package main

import (
	"strings"
	"testing"

	"coldset/internal/store/storetest"
)

// TestSoak runs coldset soak for half a minute on each store: a real server under
// a mixed load, with no 5xx, flat memory, nothing acknowledged lost and every log
// verifying. The ten-minute run is the same command with --duration 10m.
func TestSoak(t *testing.T) {
	duration := "30s"
	if testing.Short() {
		duration = "8s"
	}
	bin := buildColdset(t)
	tests := []struct {
		name  string
		store func(t *testing.T) []string
	}{
		{"sqlite", func(t *testing.T) []string { return nil }},
		{"postgres", func(t *testing.T) []string { return []string{"--postgres", storetest.PostgresURL(t)} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"soak", "--duration", duration, "--rate", "40", "--sample", "250ms"}, tt.store(t)...)
			code, out, errOut := runColdset(t, bin, t.TempDir(), args...)
			if code != 0 || !strings.Contains(out, "PASS") {
				t.Fatalf("coldset %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
			}
			t.Log("\n" + out)
		})
	}
}

// TestSoakMemoryCheck: memory that grows with the log passes, however large; memory
// that grows beyond it fails, and so does a run without samples to compare.
func TestSoakMemoryCheck(t *testing.T) {
	q := func(from, to, eFrom, eTo float64) quarterMeans {
		return quarterMeans{value: [4]float64{from, from, to, to}, entries: [4]float64{eFrom, eFrom, eTo, eTo}, n: [4]int{9, 9, 9, 9}}
	}
	tests := []struct {
		name string
		q    quarterMeans
		flat bool
	}{
		// From 9000 KiB while the log grows by a third: 3000 KiB in proportion, 600 more,
		// and the margin of 1000.
		{"no growth", q(9000, 9000, 30_000, 40_000), true},
		{"in proportion to the log", q(9000, 12_000, 30_000, 40_000), true},
		{"a fifth more than the log, and the margin", q(9000, 13_600, 30_000, 40_000), true},
		{"beyond that", q(9000, 13_700, 30_000, 40_000), false},
		{"growth with no entries added", q(9000, 10_100, 30_000, 30_000), false},
		{"a large heap that grows with a small log", q(100_000, 200_000, 1_000, 2_000), true},
	}
	for _, tt := range tests {
		c := checkMemory("heap", tt.q, 0.2, 1000)
		if !c.enough || c.flat != tt.flat {
			t.Errorf("%s: %s; want flat %v", tt.name, c, tt.flat)
		}
	}
	if c := checkMemory("heap", quarterMeans{n: [4]int{5, 0, 5, 5}}, 0.2, 1000); c.enough {
		t.Errorf("a second quarter without samples was compared: %s", c)
	}
}
