package ledger

import (
	"encoding/base64"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// decodeCanonical decodes a body laid out exactly as Encode writes it, without
// reflection: the fields in the struct's order, under their exact names, each at most
// once, no whitespace outside the payload, strings without escapes, the index a plain
// decimal, the time RFC 3339 in UTC with at most nine fractional digits. It reports
// ok=false for anything else, valid JSON or not, and DecodeEntry then leaves the body
// to json.Unmarshal: whatever this accepts, json.Unmarshal decodes to the same Entry
// (FuzzDecodeEntry checks it), so it only decides how fast, never what.
func decodeCanonical(b []byte) (e Entry, ok bool) {
	d := canonReader{b: b}
	if !d.lit(`{"production":`) {
		return Entry{}, false
	}
	production, ok := d.str()
	if !ok || !d.lit(`,"index":`) {
		return Entry{}, false
	}
	if e.Index, ok = d.uint(); !ok {
		return Entry{}, false
	}
	if d.lit(`,"prev":`) {
		prev, ok := d.str()
		if !ok || len(prev) == 0 {
			return Entry{}, false
		}
		// As encoding/json decodes a []byte: into a buffer of the decoded length.
		e.Prev = make([]byte, base64.StdEncoding.DecodedLen(len(prev)))
		n, err := base64.StdEncoding.Decode(e.Prev, prev)
		if err != nil {
			return Entry{}, false
		}
		e.Prev = e.Prev[:n]
	}
	if !d.lit(`,"time":`) {
		return Entry{}, false
	}
	t, ok := d.str()
	if !ok {
		return Entry{}, false
	}
	if e.Time, ok = parseUTC(t); !ok {
		return Entry{}, false
	}
	var actor []byte
	if d.lit(`,"actor":`) {
		if actor, ok = d.str(); !ok {
			return Entry{}, false
		}
	}
	if !d.lit(`,"type":`) {
		return Entry{}, false
	}
	typ, ok := d.str()
	if !ok {
		return Entry{}, false
	}
	if d.lit(`,"payload":`) {
		// The payload is the last field: everything up to the closing brace, which must
		// be one JSON value and nothing else (a second field after it would not be).
		if len(d.b) < d.i+2 || d.b[len(d.b)-1] != '}' {
			return Entry{}, false
		}
		p := d.b[d.i : len(d.b)-1]
		// json.Unmarshal keeps a RawMessage's bytes without the whitespace around
		// them; null is left to it too.
		if space(p[0]) || space(p[len(p)-1]) || string(p) == "null" || !json.Valid(p) {
			return Entry{}, false
		}
		e.Payload = append(json.RawMessage(nil), p...)
		d.i = len(d.b) - 1
	}
	if !d.lit(`}`) || d.i != len(d.b) {
		return Entry{}, false
	}
	e.Production, e.Actor, e.Type = string(production), string(actor), string(typ)
	return e, true
}

// canonReader walks a body for decodeCanonical.
type canonReader struct {
	b []byte
	i int
}

// lit consumes s if the body continues with it.
func (d *canonReader) lit(s string) bool {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		return false
	}
	d.i += len(s)
	return true
}

// str consumes a JSON string that needs no unescaping and returns its contents: no
// backslash, no control character, valid UTF-8 (encoding/json replaces invalid bytes,
// so such a string is left to it).
func (d *canonReader) str() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			s := d.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			d.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// uint consumes a JSON number that is a plain decimal uint64: no sign, fraction,
// exponent or leading zero, and no overflow.
func (d *canonReader) uint() (uint64, bool) {
	start := d.i
	var n uint64
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		c := uint64(d.b[d.i] - '0')
		if n > (1<<64-1-c)/10 {
			return 0, false
		}
		n = n*10 + c
		d.i++
	}
	switch digits := d.i - start; {
	case digits == 0, digits > 1 && d.b[start] == '0':
		return 0, false
	}
	return n, true
}

func space(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseUTC parses the time as Time.MarshalJSON writes a UTC time,
// 2006-01-02T15:04:05.999999999Z, into the same value time.Time.UnmarshalJSON gives:
// every field in its range (the day within its month), one to nine fractional
// digits or none.
func parseUTC(s []byte) (time.Time, bool) {
	const layout = "2006-01-02T15:04:05"
	if len(s) < len(layout)+1 || s[len(s)-1] != 'Z' ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	ok := true
	num := func(lo, hi, min, max int) int {
		n := 0
		for _, c := range s[lo:hi] {
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		if n < min || n > max {
			ok = false
		}
		return n
	}
	year := num(0, 4, 0, 9999)
	month := num(5, 7, 1, 12)
	if !ok {
		return time.Time{}, false
	}
	day := num(8, 10, 1, daysIn(time.Month(month), year))
	hour := num(11, 13, 0, 23)
	minute := num(14, 16, 0, 59)
	sec := num(17, 19, 0, 59)
	nsec := 0
	if frac := s[len(layout) : len(s)-1]; len(frac) > 0 {
		digits := len(frac) - 1
		if frac[0] != '.' || digits < 1 || digits > 9 {
			return time.Time{}, false
		}
		nsec = num(len(layout)+1, len(s)-1, 0, 999_999_999)
		for range 9 - digits {
			nsec *= 10
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// daysIn returns the number of days in month of year, in the proleptic Gregorian
// calendar time uses.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}
