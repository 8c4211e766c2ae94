package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseLocal reads "2006-01-02T15:04" (or with seconds) as wall-clock time in loc. A
// time that does not exist in loc (skipped by a daylight-saving change) is normalized
// the way time.Date does it.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want a local time like 2026-03-02T06:00, got %q", s)
}

// resolveAt returns the clock after a step's "at", given the clock before it:
//
//   - "HH:MM": that time on the clock's date, or on the next day if that is earlier
//     than the clock (the same time is not earlier: the clock stays).
//   - "+90m", "+2h", "+1h30m": that duration after the clock.
//   - "+1d", "+3d": the same wall-clock time that many calendar days later, so "+1d"
//     across a daylight-saving change is 23 or 25 hours.
//   - "2026-03-04T08:00": that local time; it may not be before the clock.
func resolveAt(s string, clock time.Time, loc *time.Location) (time.Time, error) {
	clock = clock.In(loc)
	switch {
	case strings.HasPrefix(s, "+"):
		return after(s[1:], clock)
	case len(s) == 5 && s[2] == ':':
		h, err1 := strconv.Atoi(s[:2])
		m, err2 := strconv.Atoi(s[3:])
		if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || s[3] == '+' {
			return time.Time{}, fmt.Errorf("want HH:MM from 00:00 to 23:59, got %q", s)
		}
		y, mo, d := clock.Date()
		t := time.Date(y, mo, d, h, m, 0, 0, loc)
		if t.Before(clock) {
			t = time.Date(y, mo, d+1, h, m, 0, 0, loc)
		}
		return t, nil
	default:
		t, err := parseLocal(s, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf(`want "HH:MM", "+90m", "+2h", "+1d" or a local time like 2026-03-04T08:00, got %q`, s)
		}
		if t.Before(clock) {
			return time.Time{}, fmt.Errorf("%s is before the clock (%s)", s, FormatLocal(clock))
		}
		return t, nil
	}
}

// after reads the part of a relative "at" after its "+".
func after(s string, clock time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || days == "" || days[0] == '+' || days[0] == '-' {
			return time.Time{}, fmt.Errorf("want a whole number of days like +1d, got %q", "+"+s)
		}
		return clock.AddDate(0, 0, n), nil
	}
	if s == "" || s[0] == '-' || s[0] == '+' {
		return time.Time{}, errors.New(`want a duration like "+90m" or "+2h"`)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf(`want a duration like "+90m" or "+2h", got %q`, "+"+s)
	}
	return clock.Add(d), nil
}
