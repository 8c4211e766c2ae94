package ledger_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"coldset/internal/ledger"
)

// canonicalEntries are entries whose encodings the reflection-free decoder must take.
func canonicalEntries() []ledger.Entry {
	t := time.Date(2026, 3, 2, 14, 3, 7, 123456789, time.UTC)
	prev := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 11)[:32]
	return []ledger.Entry{
		{Production: "dry-creek", Index: 0, Time: t, Type: "production.created", Payload: json.RawMessage(`{"name":"Dry Creek"}`)},
		{Production: "dry-creek", Index: 123456, Prev: prev, Time: t, Actor: "ana", Type: "firearm.handoff",
			Payload: json.RawMessage(`{"firearm":"colt-1","to":"kim"}`)},
		{Production: "p", Index: 1<<64 - 1, Prev: prev, Time: time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), Type: "t"},
		{Production: "été-à-l'ouest", Index: 10, Prev: prev, Time: time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC), Actor: "zoë 🎬", Type: "note"},
		{Production: "", Index: 7, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Type: ""},
		{Production: "x", Index: 3, Prev: []byte{1}, Time: t.In(time.FixedZone("", 3600)), Type: "note",
			Payload: json.RawMessage("[1, 2.5e3, \"a<b\", {\"k\" : null}, true]")},
		{Production: "x", Index: 4, Time: t.Add(-123456000), Type: "note", Payload: json.RawMessage(`"just a string"`)},
		{Production: "x", Index: 5, Time: t.Add(-123456789), Type: "note", Payload: json.RawMessage(`0`)},
	}
}

// decodeCases are bodies that are not what Encode writes, or are but hold strings it
// escapes; fast says whether the reflection-free decoder takes them (json.Unmarshal
// decodes the rest, and whatever both decode they must agree on).
var decodeCases = []struct {
	name, body string
	fast       bool
}{
	{"canonical", `{"production":"p","index":1,"time":"2026-03-02T14:03:07.5Z","type":"t"}`, true},
	{"canonical with payload", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":{"a":[1,{}]}}`, true},
	{"whitespace between fields", `{"production":"p", "index":1,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"whitespace before the brace", ` {"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"whitespace after the brace", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t"}` + "\n", false},
	{"whitespace around the payload", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload": {"a":1} }`, false},
	{"whitespace inside the payload", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":{"a" : 1}}`, true},
	{"escaped quote", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","actor":"a\"b","type":"t"}`, false},
	{"unicode escape", `{"production":"\u0070","index":1,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"escaped html", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","actor":"a\u0026b","type":"t"}`, false},
	{"lone surrogate escape", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","actor":"\ud800","type":"t"}`, false},
	{"raw unicode", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","actor":"zoë 🎬","type":"t"}`, true},
	{"invalid utf-8", "{\"production\":\"p\",\"index\":1,\"time\":\"2026-03-02T14:03:07Z\",\"actor\":\"a\xffb\",\"type\":\"t\"}", false},
	{"encoded surrogate", "{\"production\":\"p\",\"index\":1,\"time\":\"2026-03-02T14:03:07Z\",\"actor\":\"\xed\xa0\x80\",\"type\":\"t\"}", false},
	{"control character", "{\"production\":\"p\",\"index\":1,\"time\":\"2026-03-02T14:03:07Z\",\"actor\":\"a\tb\",\"type\":\"t\"}", false},
	{"duplicate type after payload", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":{},"type":"u"}`, false},
	{"duplicate index", `{"production":"p","index":1,"index":2,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"duplicate payload", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":1,"payload":2}`, false},
	{"payload string hiding a field", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":"x","type":"u"}`, false},
	{"fields out of order", `{"index":1,"production":"p","time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"key in other case", `{"Production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"unknown field", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","extra":1}`, false},
	{"missing type", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z"}`, false},
	{"index with leading zero", `{"production":"p","index":01,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index negative", `{"production":"p","index":-1,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index with fraction", `{"production":"p","index":1.0,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index with exponent", `{"production":"p","index":1e3,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index at the uint64 limit", `{"production":"p","index":18446744073709551615,"time":"2026-03-02T14:03:07Z","type":"t"}`, true},
	{"index past uint64", `{"production":"p","index":18446744073709551616,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index far past uint64", `{"production":"p","index":184467440737095516150,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"index as string", `{"production":"p","index":"1","time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"prev empty", `{"production":"p","index":1,"prev":"","time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"prev not base64", `{"production":"p","index":1,"prev":"!!!!","time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"prev unpadded", `{"production":"p","index":1,"prev":"AQ","time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"prev null", `{"production":"p","index":1,"prev":null,"time":"2026-03-02T14:03:07Z","type":"t"}`, false},
	{"time with offset", `{"production":"p","index":1,"time":"2026-03-02T14:03:07+01:00","type":"t"}`, false},
	{"time lower-case z", `{"production":"p","index":1,"time":"2026-03-02T14:03:07z","type":"t"}`, false},
	{"time ten fractional digits", `{"production":"p","index":1,"time":"2026-03-02T14:03:07.1234567891Z","type":"t"}`, false},
	{"time empty fraction", `{"production":"p","index":1,"time":"2026-03-02T14:03:07.Z","type":"t"}`, false},
	{"time comma fraction", `{"production":"p","index":1,"time":"2026-03-02T14:03:07,5Z","type":"t"}`, false},
	{"time trailing zeros", `{"production":"p","index":1,"time":"2026-03-02T14:03:07.500Z","type":"t"}`, true},
	{"time February 29 of a leap year", `{"production":"p","index":1,"time":"2000-02-29T00:00:00Z","type":"t"}`, true},
	{"time February 29 of another year", `{"production":"p","index":1,"time":"1900-02-29T00:00:00Z","type":"t"}`, false},
	{"time April 31", `{"production":"p","index":1,"time":"2026-04-31T00:00:00Z","type":"t"}`, false},
	{"time month 13", `{"production":"p","index":1,"time":"2026-13-01T00:00:00Z","type":"t"}`, false},
	{"time hour 24", `{"production":"p","index":1,"time":"2026-03-02T24:00:00Z","type":"t"}`, false},
	{"time leap second", `{"production":"p","index":1,"time":"2026-12-31T23:59:60Z","type":"t"}`, false},
	{"time one-digit hour", `{"production":"p","index":1,"time":"2026-03-02T1:03:07Z","type":"t"}`, false},
	{"time with sign in a field", `{"production":"p","index":1,"time":"2026-+3-02T14:03:07Z","type":"t"}`, false},
	{"time null", `{"production":"p","index":1,"time":null,"type":"t"}`, false},
	{"payload null", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":null}`, false},
	{"payload empty", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":}`, false},
	{"payload unclosed", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":{"a":1}`, false},
	{"payload big number", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":1e999999}`, true},
	{"payload deep", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t","payload":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, false},
	{"actor empty but present", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","actor":"","type":"t"}`, true},
	{"truncated", `{"production":"p","index":1,"time":"2026-03-02T14:03:07Z","type":"t"`, false},
	{"not an object", `[1,2]`, false},
	{"empty", ``, false},
}

// TestDecodeEntryFastPath checks that the bodies Encode writes are decoded without
// reflection, that bodies in any other layout are left to json.Unmarshal, and that
// both ways give the same Entry.
func TestDecodeEntryFastPath(t *testing.T) {
	for _, e := range canonicalEntries() {
		body, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ledger.DecodeCanonical(body); !ok {
			t.Errorf("canonical body %s: not taken by the fast path", body)
		}
		checkDecodeAgrees(t, body)
	}
	for _, c := range decodeCases {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := ledger.DecodeCanonical([]byte(c.body)); ok != c.fast {
				t.Errorf("fast path took it: %v, want %v", ok, c.fast)
			}
			checkDecodeAgrees(t, []byte(c.body))
		})
	}
}

// checkDecodeAgrees fails unless DecodeEntry, and the fast path where it takes the
// body, decode body exactly as json.Unmarshal does, and fail where it fails.
func checkDecodeAgrees(t *testing.T, body []byte) {
	t.Helper()
	var want ledger.Entry
	werr := json.Unmarshal(body, &want)
	if fast, ok := ledger.DecodeCanonical(body); ok {
		if werr != nil {
			t.Fatalf("fast path decoded %q, json.Unmarshal fails: %v", body, werr)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("fast path decoded %q as\n%#v\njson.Unmarshal as\n%#v", body, fast, want)
		}
	}
	got, err := ledger.DecodeEntry(body)
	if (err != nil) != (werr != nil) {
		t.Fatalf("DecodeEntry(%q) error %v, json.Unmarshal error %v", body, err, werr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeEntry(%q) =\n%#v\njson.Unmarshal gives\n%#v", body, got, want)
	}
	if werr != nil || !plain(want) {
		return
	}
	// What decodes re-encodes canonically, and that the fast path must take.
	canon, err := want.Encode()
	if err != nil {
		return
	}
	if _, ok := ledger.DecodeCanonical(canon); !ok {
		t.Fatalf("canonical encoding %q of %q not taken by the fast path", canon, body)
	}
}

// plain reports whether Encode writes e's strings unescaped, as the fast path needs
// them, and its payload as other than null.
func plain(e ledger.Entry) bool {
	for _, s := range []string{e.Production, e.Actor, e.Type} {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\"\\<>&\u2028\u2029") {
			return false
		}
		for _, r := range s {
			if r < 0x20 {
				return false
			}
		}
	}
	return string(bytes.TrimSpace(e.Payload)) != "null"
}
