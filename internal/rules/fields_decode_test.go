package rules

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// slowPayload is the payload as encoding/json reads it.
func slowPayload(raw []byte) (Fields, error) {
	var p Fields
	err := json.Unmarshal(raw, &p)
	return p, err
}

// checkFast compares the scanner with encoding/json on raw: where the scanner reads a
// payload it must read what encoding/json does, and encoding/json must accept it.
func checkFast(t *testing.T, raw []byte) (fast bool) {
	t.Helper()
	var p Fields
	fast = p.fast(raw)
	slow, err := slowPayload(raw)
	if fast && err != nil {
		t.Fatalf("%q: read by the scanner, refused by encoding/json: %v", raw, err)
	}
	if fast && !reflect.DeepEqual(p, slow) {
		t.Fatalf("%q: scanner read\n%+v\nencoding/json\n%+v", raw, p, slow)
	}
	var q Fields
	DecodeFieldsInto(&q, raw)
	if len(raw) > 0 && !reflect.DeepEqual(q, slow) {
		t.Fatalf("%q: DecodeFieldsInto read\n%+v\nencoding/json\n%+v", raw, q, slow)
	}
	return fast
}

// TestDecodeFieldsEveryField gives every field of payload a value of its type, so a
// field the scanner does not know (or reads into the wrong place) shows.
func TestDecodeFieldsEveryField(t *testing.T) {
	typ := reflect.TypeOf(Fields{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			continue // not read from JSON
		}
		var val string
		switch f.Type.String() {
		case "string":
			val = `"v` + name + `"`
		case "int":
			val = "-42"
		case "float64":
			val = "2.5e1"
		case "bool":
			val = "true"
		case "[]string":
			val = `["a", "b\u00e9"]`
		case "map[string]float64":
			val = `{"revolver":3}`
		case "json.RawMessage":
			val = `{"firearm":"f-1","to":["x"]}`
		case "*time.Time":
			val = `"2021-10-21T12:00:00.5-06:00"`
		default:
			t.Fatalf("field %s of type %s has no test value", f.Name, f.Type)
		}
		raw := fmt.Sprintf(`{"do":"x", %q: %s, "zzz": [1, {"a": null}]}`, name, val)
		t.Run(name, func(t *testing.T) {
			fast := checkFast(t, []byte(raw))
			if !fast && f.Type.Kind() != reflect.Map {
				t.Errorf("%s: left to encoding/json", raw)
			}
			var p Fields
			DecodeFieldsInto(&p, []byte(raw))
			if reflect.ValueOf(p).Field(i).IsZero() {
				t.Errorf("%s: field %s not set", raw, f.Name)
			}
		})
	}
}

func TestDecodeFieldsEdges(t *testing.T) {
	tests := []struct {
		raw  string
		fast bool
	}{
		{`{}`, true},
		{` { "id" : "a" , "count" : 0 } `, true},
		{`{"id":"a\"b","text":"\u003cb\u003e"}`, true},
		{"{\"id\":\"caf\xc3\xa9\"}", true},
		{"{\"id\":\"bad \xff utf-8\"}", true},
		{`{"id":"caf\xc3"}`, false},
		{`{"ID":"a"}`, false},
		{`{"Firearm":"f-1","firearm":"f-2"}`, false},
		{`{"id":null}`, false},
		{`{"count":1.5}`, false},
		{`{"count":1e2}`, false},
		{`{"count":01}`, false},
		{`{"count":99999999999999999999}`, false},
		{`{"count":-0}`, true},
		{`{"hours":-0.5E-3}`, true},
		{`{"hours":.5}`, false},
		{`{"roles":[]}`, true},
		{`{"roles":null}`, false},
		{`{"roles":["a",1]}`, false},
		{`{"planned":"true"}`, false},
		{`{"with":null}`, true},
		{`{"with":{"a":[1,2,{"b":"}"}]}}`, true},
		{`{"with":{"a":}`, false},
		{`{"expires":"2021-10-21T12:00:00Z"}`, true},
		{`{"expires":"yesterday"}`, false},
		{`{"expires":null}`, false},
		{`{"unknown":{"nested":[true,false,null,"s\n"]}}`, true},
		{`{"unknown":tru}`, false},
		{`{"id":"a"} x`, false},
		{`{"id":"a",}`, false},
		{`{"id":"a"`, false},
		{`{"id":"a` + "\x01" + `"}`, false},
		{`{"k\u0065y":"a"}`, false},
		{`[]`, false},
		{`null`, false},
		{`"text"`, false},
		{`{"training":{"revolver":3}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := checkFast(t, []byte(tt.raw)); got != tt.fast {
				t.Errorf("read by the scanner: %t, want %t", got, tt.fast)
			}
		})
	}
}

// FuzzDecodeFields: the scanner reads nothing differently from encoding/json.
func FuzzDecodeFields(f *testing.F) {
	for _, s := range []string{
		`{"firearm":"f-1","to":"actor-1"}`,
		`{"do":"firearm.handoff","with":{"firearm":"f-1"},"rule":"role-required","message":"no"}`,
		`{"flag":3,"rule":"walkoff","subject":"cam1","expires":"2021-10-21T12:00:00Z"}`,
		`{"attendees":["a","b"],"topics":[]}`,
		`{"id":"x","training":{"revolver":3},"hours":1.5,"planned":false}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkFast(t, raw) })
}
