package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// EncodeReflect is the canonical encoding as first defined, by encoding/json's
// reflection: the reference Encode must match byte for byte.
func EncodeReflect(e Entry) ([]byte, error) {
	c := e
	c.Time = e.Time.UTC()
	if len(e.Payload) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, e.Payload); err != nil {
			return nil, fmt.Errorf("encode entry %d: payload: %w", e.Index, err)
		}
		c.Payload = buf.Bytes()
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode entry %d: %w", e.Index, err)
	}
	return b, nil
}

// TestPlainJSON checks that the payloads entries carry are copied without json.Compact,
// and that what needs compacting, escaping or rejecting is not.
func TestPlainJSON(t *testing.T) {
	for _, c := range []struct {
		p     string
		plain bool
	}{
		{`{"n":1,"pad":"xxxx"}`, true},
		{`{"a":[1,-0,0.5,-1.5e+3,2E-2,true,false,null,"\"\\\/\b\f\n\r\t\u00e9"],"":{},"e":[]}`, true},
		{"\"caf\xc3\xa9 \xff\"", true},
		{`0`, true},
		{`{"a": 1}`, false},
		{` 1`, false},
		{`"<"`, false},
		{`"&"`, false},
		{"\"\u2028\"", false},
		{"\"\t\"", false},
		{`[01]`, false},
		{`1 2`, false},
		{`[1,]`, false},
		{`{"a":1,}`, false},
		{`"\x"`, false},
		{`"\u00e"`, false},
		{`-`, false},
		{`1.`, false},
		{`1e+`, false},
		{`nul`, false},
		{``, false},
		{strings.Repeat("[", maxPlainDepth) + strings.Repeat("]", maxPlainDepth), true},
		{strings.Repeat("[", maxPlainDepth+1) + strings.Repeat("]", maxPlainDepth+1), false},
	} {
		if got := plainJSON([]byte(c.p)); got != c.plain {
			t.Errorf("plainJSON(%q) = %v, want %v", c.p, got, c.plain)
		}
	}
}
