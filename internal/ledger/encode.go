package ledger

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// errYearRange is Time.MarshalJSON's refusal: RFC 3339 has four-digit years only.
var errYearRange = errors.New("year outside of range [0,9999]")

// appendEntry appends the canonical encoding of e to dst without reflection: the
// bytes json.Marshal wrote for Entry, with the time in UTC and the payload compacted
// (TestEncodeMatchesMarshal and FuzzEncodeEntry hold the two to the same bytes). As
// json.Marshal does, strings and the payload escape <, > and &, U+2028 and U+2029, and
// strings replace invalid UTF-8 with U+FFFD.
func appendEntry(dst []byte, e *Entry) ([]byte, error) {
	dst = append(dst, `{"production":`...)
	dst = AppendJSONString(dst, e.Production)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendUint(dst, e.Index, 10)
	if len(e.Prev) > 0 {
		dst = append(dst, `,"prev":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, e.Prev)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"time":"`...)
	n := len(dst)
	dst = e.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
	// Time.MarshalJSON's check: a year outside 0 to 9999 is not 4 digits wide.
	if dst[n+len("9999")] != '-' {
		return nil, fmt.Errorf("encode entry %d: time: %w", e.Index, errYearRange)
	}
	dst = append(dst, '"')
	if e.Actor != "" {
		dst = append(dst, `,"actor":`...)
		dst = AppendJSONString(dst, e.Actor)
	}
	dst = append(dst, `,"type":`...)
	dst = AppendJSONString(dst, e.Type)
	if len(e.Payload) > 0 {
		dst = append(dst, `,"payload":`...)
		var err error
		if dst, err = appendCompactPayload(dst, e.Payload); err != nil {
			return nil, fmt.Errorf("encode entry %d: payload: %w", e.Index, err)
		}
	}
	return append(dst, '}'), nil
}

// appendCompactPayload appends p compacted (json.Compact, which also validates it),
// then escapes what json.Marshal's compaction of a RawMessage escapes: <, > and &, and
// U+2028 and U+2029 as raw bytes. In valid JSON these only occur inside strings.
func appendCompactPayload(dst, p []byte) ([]byte, error) {
	if plainJSON(p) {
		return append(dst, p...), nil
	}
	n := len(dst)
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, p); err != nil {
		return nil, err
	}
	dst = buf.Bytes()
	i := n
	for ; i < len(dst); i++ {
		if c := dst[i]; c == '<' || c == '>' || c == '&' || c == 0xE2 && isLineSep(dst[i+1:]) {
			break
		}
	}
	if i == len(dst) {
		return dst, nil
	}
	compact := append([]byte(nil), dst[i:]...)
	dst = dst[:i]
	start := 0
	for j := 0; j < len(compact); j++ {
		switch c := compact[j]; {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, compact[start:j]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			start = j + 1
		case c == 0xE2 && isLineSep(compact[j+1:]):
			dst = append(dst, compact[start:j]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[compact[j+2]&0xF])
			j += 2
			start = j + 1
		}
	}
	return append(dst, compact[start:]...), nil
}

// isLineSep reports whether b, following a 0xE2 byte, continues U+2028 or U+2029.
func isLineSep(b []byte) bool { return len(b) >= 2 && b[0] == 0x80 && b[1]&^1 == 0xA8 }

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as encoding/json writes a string with HTML escaping on:
// <, > and & and control characters as \u00XX (or \n, \r, \t, \b, \f), invalid UTF-8
// as \ufffd, U+2028 and U+2029 escaped. The report's JSON writer uses it too.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe(c) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				// Other control characters, and <, > and &.
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonSafe reports whether encoding/json writes the ASCII byte c in a string as it
// is, with HTML escaping on.
func jsonSafe(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// plainJSON reports whether p is one JSON value that json.Compact and json.Marshal's
// escaping leave as it is: no whitespace outside strings, no <, >, & or U+2028/2029,
// nesting at most maxPlainDepth deep. It only saves their work on the payloads
// entries carry: anything it does not take, valid or not, goes through json.Compact,
// which decides. So it must never take what encoding/json would reject or change.
func plainJSON(p []byte) bool {
	s := plainScanner{b: p}
	return s.value(0) && s.i == len(p)
}

const maxPlainDepth = 64

type plainScanner struct {
	b []byte
	i int
}

func (s *plainScanner) value(depth int) bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		if depth == maxPlainDepth {
			return false
		}
		return s.elements(c == '{', depth+1)
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	}
	return false
}

// elements consumes an object's members (keyed) or an array's elements, each a value
// at depth, from the opening bracket at s.i to the closing one.
func (s *plainScanner) elements(keyed bool, depth int) bool {
	closing := byte(']')
	if keyed {
		closing = '}'
	}
	s.i++
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return true
	}
	for {
		if keyed {
			if s.i >= len(s.b) || s.b[s.i] != '"' || !s.str() || s.i >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
		}
		if !s.value(depth) || s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case closing:
			s.i++
			return true
		default:
			return false
		}
	}
}

// str consumes a string at s.i, which holds its opening quote.
func (s *plainScanner) str() bool {
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c == '\\':
			j++
			if j >= len(s.b) {
				return false
			}
			switch s.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.b) {
					return false
				}
				for _, h := range s.b[j+1 : j+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && isLineSep(s.b[j+1:]):
			return false
		}
	}
	return false
}

// number consumes -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *plainScanner) number() bool {
	b, i := s.b, s.i
	if b[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	s.i = i
	return true
}

func (s *plainScanner) lit(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}
