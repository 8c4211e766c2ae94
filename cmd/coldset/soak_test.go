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
