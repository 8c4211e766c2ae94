package main

import (
	"context"
	"path/filepath"
	"testing"
)

// TestBenchPaths runs every bench path at a tiny size: they must keep working, and
// their workloads must stay ones the rules accept. Nothing here is timed.
func TestBenchPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every bench path")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"append with 1 and 4 writers", []string{"append", "--db", filepath.Join(dir, "coldset.db"), "--entries", "40", "--writers", "1,4", "--rounds", "2"}},
		{"http at 100 requests a second", []string{"http", "--rate", "100", "--duration", "1s", "--lanes", "5", "--db", filepath.Join(dir, "http.db")}},
		{"verify of 2000 entries", []string{"verify", "--entries", "2000", "--runs", "1", "--dir", dir}},
		{"scale at 500 and 1000 events", []string{"scale", "--sizes", "500,1000", "--rounds", "1", "--dir", dir}},
		{"memory of 3 productions", []string{"memory", "--productions", "3", "--events", "500", "--dir", dir}},
		{"proofs on 1000 leaves", []string{"proofs", "--entries", "1000", "--proofs", "100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := run(context.Background(), append([]string{"bench"}, tc.args...)); code != 0 {
				t.Fatalf("coldset bench %v: exit %d", tc.args, code)
			}
		})
	}
}

func TestBenchUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"no path", []string{"bench"}, 2},
		{"unknown path", []string{"bench", "nothing"}, 2},
		{"bad writers list", []string{"bench", "append", "--writers", "1,x"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(context.Background(), tc.args); got != tc.want {
				t.Errorf("exit %d, want %d", got, tc.want)
			}
		})
	}
}
