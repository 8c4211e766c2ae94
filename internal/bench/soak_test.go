package bench

import "testing"

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
