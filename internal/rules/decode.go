package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// refusal is why an action is refused: the rule, a message saying what to do instead,
// and for invalid input the field at fault.
type refusal struct {
	Rule    string
	Message string
	Field   string
	// keep: the events already built are the consequences the refusing rule prescribes
	// (show-and-confirm cancels the hand-over and opens an incident).
	keep bool
}

func invalid(field, format string, args ...any) *refusal {
	return &refusal{Rule: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

func refuse(rule, format string, args ...any) *refusal {
	return &refusal{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// reader decodes a command's "with" object strictly: every key must be one the action
// knows, and each getter checks presence, type and form. The first problem found is kept
// in bad and later getters return zero values, so a handler reads all its fields and then
// checks bad once.
type reader struct {
	prefix string // "with", or the path of a nested map
	m      map[string]json.RawMessage
	bad    *refusal
}

func readWith(raw json.RawMessage, allowed ...string) *reader {
	return readObject(raw, "with", allowed...)
}

func readObject(raw json.RawMessage, prefix string, allowed ...string) *reader {
	r := &reader{prefix: prefix, m: map[string]json.RawMessage{}}
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return r
	}
	if !strings.HasPrefix(t, "{") {
		r.bad = invalid(prefix, "%s must be a map of fields (%s)", prefix, strings.Join(allowed, ", "))
		return r
	}
	if err := json.Unmarshal(raw, &r.m); err != nil {
		r.bad = invalid(prefix, "%s is not a valid map of fields (%s)", prefix, strings.Join(allowed, ", "))
		return r
	}
	known := map[string]bool{}
	for _, k := range allowed {
		known[k] = true
	}
	for _, k := range sortedKeys(r.m) {
		// A key without a value says nothing, and YAML flow maps make such keys out of
		// text that holds a comma ({reason: safety, hours and lodging}): null is absent.
		if string(r.m[k]) == "null" {
			delete(r.m, k)
			continue
		}
		if !known[k] {
			r.bad = invalid(prefix+"."+k, "%s.%s is not a known field (the fields are: %s)", prefix, k, strings.Join(allowed, ", "))
			return r
		}
	}
	return r
}

// raw returns the value of key, or nil when it is absent or null.
func (r *reader) raw(key string) json.RawMessage {
	if r.bad != nil {
		return nil
	}
	v, ok := r.m[key]
	if !ok || string(v) == "null" {
		return nil
	}
	return v
}

func (r *reader) fail(key, format string, args ...any) {
	if r.bad == nil {
		r.bad = invalid(r.prefix+"."+key, r.prefix+"."+key+" "+format, args...)
	}
}

// str decodes a string; numbers are accepted as their literal text when asNumber is set
// (a scene called 12, a serial number 12345).
func (r *reader) str(key string, required, asNumber bool) string {
	v := r.raw(key)
	if v == nil {
		if required && r.bad == nil {
			r.fail(key, "is missing")
		}
		return ""
	}
	switch {
	case v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			r.fail(key, "is not a valid string")
			return ""
		}
		s = strings.TrimSpace(s)
		if required && s == "" {
			r.fail(key, "is empty")
		}
		return s
	case asNumber && (v[0] == '-' || v[0] >= '0' && v[0] <= '9'):
		return string(v)
	}
	r.fail(key, "must be text, not %s", v)
	return ""
}

func (r *reader) text(key string) string    { return r.str(key, true, true) }
func (r *reader) optText(key string) string { return r.str(key, false, true) }

// id decodes an id of the form [a-z0-9-]+.
func (r *reader) id(key string, required, asNumber bool) string {
	s := r.str(key, required, asNumber)
	if s != "" && !validID(s) {
		r.fail(key, "%q is not an id: use lowercase letters, digits and dashes", s)
		return ""
	}
	return s
}

func validID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// enum decodes one of the allowed values.
func (r *reader) enum(key string, required bool, allowed ...string) string {
	s := r.str(key, required, false)
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	r.fail(key, "is %q; it must be one of: %s", s, strings.Join(allowed, ", "))
	return ""
}

// Bounds of the numbers an action carries. Each is far beyond what a production ever
// records, and keeps what the state adds up finite and within an int.
const (
	maxHours      = 1000    // hours of training in one record, a request or a requirement
	maxRounds     = 100_000 // rounds in a lot, a count, a load
	maxPeople     = 10_000  // people hurt in one discharge
	maxDistanceFt = 10_000  // feet between a firearm and what it points at
)

// integer decodes a whole number from min to max; def is used when it is absent and
// not required.
func (r *reader) integer(key string, required bool, min, max, def int) int {
	v := r.raw(key)
	if v == nil {
		if required {
			r.fail(key, "is missing")
		}
		return def
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		r.fail(key, "must be a whole number, not %s", v)
		return def
	}
	if err != nil || n < int64(min) || n > int64(max) {
		r.fail(key, "must be a whole number at least %d and at most %s, not %s", min, thousands(max), v)
		return def
	}
	return int(n)
}

// number decodes a number more than 0 and at most max (hours, feet).
func (r *reader) number(key string, required bool, max float64) float64 {
	v := r.raw(key)
	if v == nil {
		if required {
			r.fail(key, "is missing")
		}
		return 0
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || v[0] == '"' {
		r.fail(key, "must be a number, not %s", v)
		return 0
	}
	// Out of range (1e400) fails here too: ParseFloat gives ±Inf or 0 for it.
	if err != nil || !(f > 0 && f <= max) {
		r.fail(key, "must be a number more than 0 and at most %s, not %s", thousands(int(max)), v)
		return 0
	}
	return f
}

// thousands writes a bound (never negative) with commas, as people read it: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (r *reader) boolean(key string, required bool) bool {
	v := r.raw(key)
	if v == nil {
		if required {
			r.fail(key, "is missing (true or false)")
		}
		return false
	}
	switch string(v) {
	case "true":
		return true
	case "false":
		return false
	}
	r.fail(key, "must be true or false, not %s", v)
	return false
}
