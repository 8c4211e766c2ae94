package server

import (
	"slices"
	"testing"
)

// The report form offers each severity with its acknowledge deadline from the rules.
func TestReportSeverityLabels(t *testing.T) {
	got := reportSeverities
	want := [][2]string{{"high", "high: answer within the hour"}, {"critical", "critical: answer within 15 minutes"},
		{"low", "low: answer within a day"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
