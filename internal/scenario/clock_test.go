package scenario

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestResolveAt(t *testing.T) {
	denver := mustLoad(t, "America/Denver")
	at := func(s string) time.Time {
		t.Helper()
		v, err := parseLocal(s, denver)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		clock string
		at    string
		want  string
	}{
		{"HH:MM later the same day", "2026-03-02T06:00", "07:30", "2026-03-02T07:30"},
		{"HH:MM equal to the clock stays", "2026-03-02T06:00", "06:00", "2026-03-02T06:00"},
		{"HH:MM earlier is the next day", "2026-03-02T18:00", "06:30", "2026-03-03T06:30"},
		{"HH:MM midnight is the next day", "2026-03-02T18:00", "00:00", "2026-03-03T00:00"},
		{"HH:MM with seconds on the clock", "2026-03-02T06:00:30", "06:00", "2026-03-03T06:00"},
		{"+90m", "2026-03-02T06:00", "+90m", "2026-03-02T07:30"},
		{"+2h", "2026-03-02T23:00", "+2h", "2026-03-03T01:00"},
		{"+1h30m", "2026-03-02T06:00", "+1h30m", "2026-03-02T07:30"},
		{"+1d", "2026-03-02T06:00", "+1d", "2026-03-03T06:00"},
		{"+0m keeps the clock", "2026-03-02T06:00", "+0m", "2026-03-02T06:00"},
		{"absolute local", "2026-03-02T06:00", "2026-03-04T08:00", "2026-03-04T08:00"},
		{"absolute local with seconds", "2026-03-02T06:00", "2026-03-04T08:00:15", "2026-03-04T08:00:15"},
		// 2026-03-08 02:00 MST -> 03:00 MDT in Denver.
		{"DST spring: +1d keeps the wall clock", "2026-03-07T06:00", "+1d", "2026-03-08T06:00"},
		{"DST spring: HH:MM next day", "2026-03-07T20:00", "06:00", "2026-03-08T06:00"},
		{"DST spring: +24h is an hour later on the wall", "2026-03-07T06:00", "+24h", "2026-03-08T07:00"},
		// 2026-11-01 02:00 MDT -> 01:00 MST.
		{"DST fall: +24h is an hour earlier on the wall", "2026-10-31T06:00", "+24h", "2026-11-01T05:00"},
		{"DST fall: +1d keeps the wall clock", "2026-10-31T06:00", "+1d", "2026-11-01T06:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveAt(tt.at, at(tt.clock), denver)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(tt.want); !got.Equal(want) {
				t.Errorf("resolveAt(%q, %s) = %s, want %s", tt.at, tt.clock, got, want)
			}
		})
	}
}

func TestResolveAtDSTDuration(t *testing.T) {
	denver := mustLoad(t, "America/Denver")
	clock, _ := parseLocal("2026-03-07T06:00", denver)
	got, err := resolveAt("+1d", clock, denver)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Sub(clock); d != 23*time.Hour {
		t.Errorf("+1d across spring forward lasted %s, want 23h", d)
	}
}

func TestResolveAtErrors(t *testing.T) {
	utc := time.UTC
	clock := time.Date(2026, 3, 2, 6, 0, 0, 0, utc)
	for _, s := range []string{
		"", "7:00", "24:00", "07:60", "07:+5", "-1:00", "+", "+d", "+-1d", "+1.5d", "+90", "+-5m", "++5m",
		"2026-03-01T08:00", // before the clock
		"2026-03-02", "tomorrow", "2026-13-01T08:00",
	} {
		if got, err := resolveAt(s, clock, utc); err == nil {
			t.Errorf("resolveAt(%q) = %s, want an error", s, got)
		}
	}
}
