package rules

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A report reads every payload of the log, so the payloads coldset writes (flat
// objects of strings, numbers, booleans and lists of strings) are read by the small
// scanner below instead of by reflection. Anything it is not sure of (a null, a value
// of another type, a key that differs from a known one only in case, a map, invalid
// JSON) makes it give up, and encoding/json reads the whole payload instead: both
// paths give the same Fields (FuzzDecodeFields checks it).

// DecodeFieldsInto reads raw into p, which must be zero. A payload that does not
// decode reads as empty (or as far as encoding/json got), so a reader still shows the
// entry by its type.
func DecodeFieldsInto(p *Fields, raw []byte) {
	if len(raw) == 0 {
		return
	}
	if !p.fast(raw) {
		*p = Fields{}
		_ = json.Unmarshal(raw, p)
	}
}

// fast decodes a flat object into p and reports whether it could.
func (p *Fields) fast(d []byte) bool {
	s := scan{d: d}
	s.space()
	if !s.take('{') {
		return false
	}
	s.space()
	if s.take('}') {
		return s.end()
	}
	for {
		key, ok := s.key()
		if !ok {
			return false
		}
		s.space()
		if !s.take(':') {
			return false
		}
		s.space()
		if !p.field(key, &s) {
			return false
		}
		s.space()
		switch {
		case s.take(','):
			s.space()
		case s.take('}'):
			return s.end()
		default:
			return false
		}
	}
}

// field decodes the value of key at s into p's field of that name.
func (p *Fields) field(key []byte, s *scan) bool {
	switch string(key) {
	case "id":
		return s.str(&p.ID)
	case "name":
		return s.str(&p.Name)
	case "timezone":
		return s.str(&p.Timezone)
	case "roles":
		return s.strs(&p.Roles)
	case "department":
		return s.str(&p.Department)
	case "department_head":
		return s.boolean(&p.DepartmentHead)
	case "certified_until":
		return s.str(&p.CertifiedUntil)
	case "training":
		return false // a map: left to encoding/json
	case "person":
		return s.str(&p.Person)
	case "kind":
		return s.str(&p.Kind)
	case "until":
		return s.str(&p.Until)
	case "type":
		return s.str(&p.Type)
	case "hours":
		return s.float(&p.Hours)
	case "request":
		return s.str(&p.Request)
	case "reason":
		return s.str(&p.Reason)
	case "note":
		return s.str(&p.Note)
	case "serial":
		return s.str(&p.Serial)
	case "capability":
		return s.str(&p.Capability)
	case "make":
		return s.str(&p.Make)
	case "model":
		return s.str(&p.Model)
	case "lot":
		return s.str(&p.Lot)
	case "caliber":
		return s.str(&p.Caliber)
	case "supplier":
		return s.str(&p.Supplier)
	case "receipt":
		return s.str(&p.Receipt)
	case "method":
		return s.str(&p.Method)
	case "count":
		return s.integer(&p.Count)
	case "counted":
		return s.integer(&p.Counted)
	case "expected":
		return s.integer(&p.Expected)
	case "firearm":
		return s.str(&p.Firearm)
	case "load":
		return s.str(&p.Load)
	case "rounds":
		return s.integer(&p.Rounds)
	case "to":
		return s.str(&p.To)
	case "from":
		return s.str(&p.From)
	case "load_seen":
		return s.str(&p.LoadSeen)
	case "concern":
		return s.str(&p.Concern)
	case "planned":
		return s.boolean(&p.Planned)
	case "injuries":
		return s.integer(&p.Injuries)
	case "where":
		return s.str(&p.Where)
	case "scene":
		return s.str(&p.Scene)
	case "firearms":
		return s.strs(&p.Firearms)
	case "toward":
		return s.str(&p.Toward)
	case "protections":
		return s.strs(&p.Protections)
	case "distance_ft":
		return s.float(&p.DistanceFt)
	case "call":
		return s.str(&p.Call)
	case "attendees":
		return s.strs(&p.Attendees)
	case "topics":
		return s.strs(&p.Topics)
	case "category":
		return s.str(&p.Category)
	case "severity":
		return s.str(&p.Severity)
	case "text":
		return s.str(&p.Text)
	case "anonymous":
		return s.boolean(&p.Anonymous)
	case "action":
		return s.str(&p.Action)
	case "people":
		return s.strs(&p.People)
	case "safety":
		return s.boolean(&p.Safety)
	case "incident":
		return s.str(&p.Incident)
	case "findings":
		return s.str(&p.Findings)
	case "actions":
		return s.str(&p.Actions)
	case "serious":
		return s.boolean(&p.Serious)
	case "do":
		return s.str(&p.Do)
	case "with":
		return s.raw(&p.With)
	case "rule":
		return s.str(&p.Rule)
	case "message":
		return s.str(&p.Message)
	case "field":
		return s.str(&p.Field)
	case "flag":
		return s.integer(&p.Flag)
	case "subject":
		return s.str(&p.Subject)
	case "ref":
		return s.str(&p.Ref)
	case "expires":
		return s.time(&p.Expires)
	case "hold":
		return s.str(&p.Hold)
	case "reasons":
		return s.strs(&p.Reasons)
	case "by":
		return s.str(&p.By)
	case "level":
		return s.integer(&p.Level)
	}
	// encoding/json matches keys regardless of case: leave such a key to it.
	if foldsToField(key) {
		return false
	}
	return s.skip()
}

// payloadKeys are the JSON names of payload's fields, in lower case.
var payloadKeys = func() map[string]bool {
	keys := map[string]bool{}
	for _, f := range jsonFields(Fields{}) {
		keys[f] = true
	}
	return keys
}()

// jsonFields lists the JSON names of a struct's fields.
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// foldsToField reports whether an ASCII key that is no field's name equals one
// but for case; a key with other bytes is treated as if it might.
func foldsToField(key []byte) bool {
	lower := make([]byte, len(key))
	for i, c := range key {
		switch {
		case c >= utf8.RuneSelf:
			return true
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return payloadKeys[string(lower)]
}

// scan reads JSON from d at i.
type scan struct {
	d []byte
	i int
}

func (s *scan) space() {
	for s.i < len(s.d) {
		switch s.d[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scan) take(c byte) bool {
	if s.i < len(s.d) && s.d[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether nothing but space follows.
func (s *scan) end() bool {
	s.space()
	return s.i == len(s.d)
}

// key reads an object key without escapes.
func (s *scan) key() ([]byte, bool) {
	if !s.take('"') {
		return nil, false
	}
	start := s.i
	for ; s.i < len(s.d); s.i++ {
		switch c := s.d[s.i]; {
		case c == '"':
			s.i++
			return s.d[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// str reads a JSON string. One with escapes is unquoted by encoding/json.
func (s *scan) str(dst *string) bool {
	if !s.take('"') {
		return false
	}
	start, ascii := s.i, true
	for ; s.i < len(s.d); s.i++ {
		switch c := s.d[s.i]; {
		case c == '"':
			b := s.d[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(b) {
				return s.unquote(start-1, dst)
			}
			*dst = string(b)
			return true
		case c == '\\':
			return s.unquote(start-1, dst)
		case c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return false
}

// unquote reads the string that starts at from with encoding/json.
func (s *scan) unquote(from int, dst *string) bool {
	s.i = from
	end, ok := s.stringEnd()
	if !ok {
		return false
	}
	var v string
	if json.Unmarshal(s.d[from:end], &v) != nil {
		return false
	}
	*dst = v
	return true
}

// stringEnd returns the index just past the string that starts at s.i, and moves
// there.
func (s *scan) stringEnd() (int, bool) {
	if !s.take('"') {
		return 0, false
	}
	for ; s.i < len(s.d); s.i++ {
		switch s.d[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return s.i, true
		}
	}
	return 0, false
}

// strs reads a list of strings.
func (s *scan) strs(dst *[]string) bool {
	if !s.take('[') {
		return false
	}
	out := []string{}
	s.space()
	if s.take(']') {
		*dst = out
		return true
	}
	for {
		var v string
		if !s.str(&v) {
			return false
		}
		out = append(out, v)
		s.space()
		switch {
		case s.take(','):
			s.space()
		case s.take(']'):
			*dst = out
			return true
		default:
			return false
		}
	}
}

func (s *scan) boolean(dst *bool) bool {
	switch {
	case s.literal("true"):
		*dst = true
	case s.literal("false"):
		*dst = false
	default:
		return false
	}
	return true
}

func (s *scan) literal(lit string) bool {
	if len(s.d)-s.i >= len(lit) && string(s.d[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// number reads a JSON number and says whether it is an integer.
func (s *scan) number() (tok []byte, integer, ok bool) {
	start := s.i
	s.take('-')
	switch {
	case s.take('0'):
	case s.digits() > 0:
	default:
		return nil, false, false
	}
	integer = true
	if s.take('.') {
		integer = false
		if s.digits() == 0 {
			return nil, false, false
		}
	}
	if s.take('e') || s.take('E') {
		integer = false
		if !s.take('+') {
			s.take('-')
		}
		if s.digits() == 0 {
			return nil, false, false
		}
	}
	return s.d[start:s.i], integer, true
}

func (s *scan) digits() int {
	start := s.i
	for s.i < len(s.d) && '0' <= s.d[s.i] && s.d[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

func (s *scan) integer(dst *int) bool {
	tok, integer, ok := s.number()
	if !ok || !integer {
		return false
	}
	v, err := strconv.ParseInt(string(tok), 10, strconv.IntSize)
	if err != nil {
		return false
	}
	*dst = int(v)
	return true
}

func (s *scan) float(dst *float64) bool {
	tok, _, ok := s.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return false
	}
	*dst = v
	return true
}

func (s *scan) time(dst **time.Time) bool {
	start := s.i
	end, ok := s.stringEnd()
	if !ok {
		return false
	}
	var t time.Time
	if t.UnmarshalJSON(s.d[start:end]) != nil {
		return false
	}
	*dst = &t
	return true
}

// raw keeps a value as it is, after checking it is valid JSON.
func (s *scan) raw(dst *json.RawMessage) bool {
	start := s.i
	if !s.skip() {
		return false
	}
	*dst = s.d[start:s.i:s.i]
	return true
}

// skip passes over one value, which must be valid JSON.
func (s *scan) skip() bool {
	start := s.i
	if s.i >= len(s.d) {
		return false
	}
	switch s.d[s.i] {
	case '"':
		if _, ok := s.stringEnd(); !ok {
			return false
		}
	case '{', '[':
		depth := 0
	structure:
		for s.i < len(s.d) {
			switch s.d[s.i] {
			case '"':
				if _, ok := s.stringEnd(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					break structure
				}
			}
			s.i++
		}
		if depth != 0 {
			return false
		}
	default:
		for s.i < len(s.d) {
			c := s.d[s.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			s.i++
		}
	}
	return s.i > start && json.Valid(s.d[start:s.i])
}
