package investigate

import (
	"encoding/json"
	"reflect"
	"testing"

	"coldset/internal/rules"
)

// Every payload of the western ledger reads the same through the rules' field
// decoder as through encoding/json.
func TestDecodePayloadWestern(t *testing.T) {
	rec, _ := westernRecord(t)
	for _, it := range rec.Entries {
		var slow rules.Fields
		if err := json.Unmarshal(it.Payload, &slow); err != nil {
			t.Fatalf("entry %d: %v", it.Index, err)
		}
		if got := decodePayload(it.Payload); !reflect.DeepEqual(got, slow) {
			t.Errorf("entry %d (%s): read\n%+v\nencoding/json\n%+v", it.Index, it.Type, got, slow)
		}
	}
}
