package ledger_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"coldset/internal/ledger"
)

// encodeCases are entries whose fields need every kind of escape, compaction or
// refusal encoding/json applies.
func encodeCases() []struct {
	name string
	e    ledger.Entry
} {
	t := time.Date(2026, 3, 2, 14, 3, 7, 120000000, time.UTC)
	return []struct {
		name string
		e    ledger.Entry
	}{
		{"zero", ledger.Entry{}},
		{"html in strings", ledger.Entry{Production: "a<b>", Time: t, Actor: "tom & jerry", Type: "</script>"}},
		{"quote and backslash", ledger.Entry{Production: `a"b\c`, Time: t, Type: `\"`}},
		{"short escapes", ledger.Entry{Production: "\b\f\n\r\t", Time: t, Type: "x"}},
		{"other controls", ledger.Entry{Production: "\x00\x01\x1f", Time: t, Actor: "\x7f", Type: "x"}},
		{"line separators", ledger.Entry{Production: "a\u2028b\u2029c", Time: t, Type: "\u2027\u202a"}},
		{"invalid utf-8", ledger.Entry{Production: "a\xffb", Time: t, Actor: "\xe2\x80", Type: "\xed\xa0\x80\xc0\xaf"}},
		{"replacement character", ledger.Entry{Production: "\ufffd", Time: t, Type: "x\xef\xbf"}},
		{"multibyte", ledger.Entry{Production: "été", Time: t, Actor: "zoë 🎬", Type: "日本"}},
		{"prev of every length", ledger.Entry{Production: "p", Index: 9, Prev: []byte{0xfb, 0xff}, Time: t, Type: "x"}},
		{"prev empty, not nil", ledger.Entry{Production: "p", Prev: []byte{}, Time: t, Type: "x"}},
		{"payload empty, not nil", ledger.Entry{Production: "p", Time: t, Type: "x", Payload: json.RawMessage{}}},
		{"payload with whitespace", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(" {\n\t\"a\" : [ 1 , 2 ] ,\r\"b\":{ } }\n")}},
		{"payload html", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{"a<":"<b>&amp;</b>"}`)}},
		{"payload line separators", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage("[\"\u2028\",\"\u2029x\u2028\", \"\xe2\x80\"]")}},
		{"payload escapes kept", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`"\u003c\n\ud800\/"`)}},
		{"payload invalid utf-8 kept", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage("\"a\xffb\"")}},
		{"payload null", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(" null ")}},
		{"payload number", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`-0.5e+10`)}},
		{"payload invalid", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{"a":}`)}},
		{"payload two values", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`1 2`)}},
		{"payload control in string", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage("\"a\tb\"")}},
		{"payload plain", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{"a":[1,-0,0.5,-1.5e+3,2E-2,true,false,null,"\\\"\/\b\f\n\r\t\u00e9\uD83C"],"":{},"e":[]}`)}},
		{"payload leading zero", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`[01]`)}},
		{"payload bad numbers", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`[1.,-,1e,.5,+1,1e+]`)}},
		{"payload bad escapes", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`["\x","\u12g4","\u12"]`)}},
		{"payload trailing commas", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{"a":[1,],}`)}},
		{"payload bad literals", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`[tru,nul,falsey]`)}},
		{"payload bad keys", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{1:2,"a" 1}`)}},
		{"payload unterminated", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(`{"a":"b`)}},
		{"payload deep", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(strings.Repeat(`[{"a":`, 100) + `1` + strings.Repeat(`}]`, 100))}},
		{"payload too deep", ledger.Entry{Time: t, Type: "x", Payload: json.RawMessage(strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001))}},
		{"time in a zone", ledger.Entry{Time: t.In(time.FixedZone("", -7*3600-1800)), Type: "x"}},
		{"time whole seconds", ledger.Entry{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Type: "x"}},
		{"time year 0", ledger.Entry{Time: time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC), Type: "x"}},
		{"time year 9999", ledger.Entry{Time: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Type: "x"}},
		{"time year -1", ledger.Entry{Time: time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), Type: "x"}},
		{"time year 10000", ledger.Entry{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Type: "x"}},
		{"time year 10000 by the zone", ledger.Entry{Time: time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -3600)), Type: "x"}},
		{"time with monotonic reading", ledger.Entry{Time: time.Now(), Type: "x"}},
		{"index max", ledger.Entry{Index: 1<<64 - 1, Time: t, Type: "x"}},
	}
}

// TestEncodeMatchesMarshal checks that Encode writes the bytes encoding/json writes for
// the same entry, and refuses what it refuses.
func TestEncodeMatchesMarshal(t *testing.T) {
	for _, e := range canonicalEntries() {
		checkEncodeAgrees(t, e)
	}
	for _, c := range encodeCases() {
		t.Run(c.name, func(t *testing.T) { checkEncodeAgrees(t, c.e) })
	}
}

// TestEncodeRefuses checks the refusals themselves, so that agreeing on them is not
// agreeing on nothing.
func TestEncodeRefuses(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 14, 3, 7, 0, time.UTC)
	for _, c := range []struct {
		name string
		e    ledger.Entry
		want string
	}{
		{"payload invalid", ledger.Entry{Index: 4, Time: t0, Payload: json.RawMessage(`{`)}, "encode entry 4: payload"},
		{"year past 9999", ledger.Entry{Index: 5, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "encode entry 5: time"},
		{"year before 0", ledger.Entry{Index: 6, Time: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, "encode entry 6: time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.e.Encode(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Encode error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// checkEncodeAgrees fails unless Encode and the reflection-based encoding give the
// same bytes or both fail, and what Encode wrote decodes back to e.
func checkEncodeAgrees(t *testing.T, e ledger.Entry) {
	t.Helper()
	got, err := e.Encode()
	want, werr := ledger.EncodeReflect(e)
	if (err != nil) != (werr != nil) {
		t.Fatalf("Encode(%#v) error %v, encoding/json error %v", e, err, werr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode(%#v) =\n%s\nencoding/json writes\n%s", e, got, want)
	}
	if err != nil {
		return
	}
	checkDecodeAgrees(t, got)
	d, err := ledger.DecodeEntry(got)
	if err != nil {
		t.Fatalf("DecodeEntry(%q): %v", got, err)
	}
	if d.Production != validUTF8(e.Production) || d.Index != e.Index || !bytes.Equal(d.Prev, e.Prev) ||
		!d.Time.Equal(e.Time) || d.Time.Location() != time.UTC || d.Actor != validUTF8(e.Actor) || d.Type != validUTF8(e.Type) {
		t.Fatalf("%q decodes as\n%#v\nfrom\n%#v", got, d, e)
	}
	if len(e.Payload) > 0 {
		a, aerr := decodeAny(e.Payload)
		b, berr := decodeAny(d.Payload)
		if aerr != nil || berr != nil || !jsonEqual(a, b) {
			t.Fatalf("payload %q decodes as %q", e.Payload, d.Payload)
		}
	} else if d.Payload != nil {
		t.Fatalf("no payload decodes as %q", d.Payload)
	}
	// The decoded entry is canonical: it encodes to the same bytes.
	again, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if d.Production == e.Production && d.Actor == e.Actor && d.Type == e.Type && !bytes.Equal(again, got) {
		t.Fatalf("%q decodes and encodes again as %q", got, again)
	}
}

// validUTF8 replaces each byte of s that is not valid UTF-8 with U+FFFD, as
// encoding/json does.
func validUTF8(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// jsonEqual compares two decoded JSON values; numbers as json.Unmarshal decodes them.
// decodeAny reads a JSON value keeping numbers as they are written: a payload may hold
// a number no float64 holds (-2e1100), which is still valid JSON and kept as written.
func decodeAny(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// BenchmarkEncodeEntry measures encoding one typical entry, which the log's writer
// does for every entry it appends; BenchmarkEncodeEntryReflect is encoding/json's
// reflection beside it.
func BenchmarkEncodeEntry(b *testing.B) {
	benchEncode(b, ledger.Entry.Encode)
}

func BenchmarkEncodeEntryReflect(b *testing.B) {
	benchEncode(b, ledger.EncodeReflect)
}

func benchEncode(b *testing.B, encode func(ledger.Entry) ([]byte, error)) {
	e := ledger.Entry{Production: "dry-creek", Index: 123456, Prev: bytes.Repeat([]byte{0xab}, 32),
		Time: time.Date(2026, 3, 2, 14, 3, 7, 123456789, time.UTC), Actor: "ana", Type: "firearm.handoff",
		Payload: json.RawMessage(`{"firearm":"colt-1","to":"kim","note":"checked and cleared on set, chamber empty"}`)}
	for b.Loop() {
		if _, err := encode(e); err != nil {
			b.Fatal(err)
		}
	}
}
