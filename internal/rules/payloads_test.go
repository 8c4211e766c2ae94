package rules

import (
	"testing"
	"time"
)

// Every event type the rules apply has a payload DecodePayload reads, and it reads
// the words the rules' own fold skips.
func TestDecodePayloadKnowsEveryEventType(t *testing.T) {
	for typ := range appliers {
		if payloads[typ] == nil {
			t.Errorf("DecodePayload does not know %s", typ)
		}
	}
	for typ := range payloads {
		if appliers[typ] == nil {
			t.Errorf("DecodePayload knows %s, which the rules do not apply", typ)
		}
	}
}

func TestDecodePayloadReadsTexts(t *testing.T) {
	p, err := Payload[ConcernData](ConcernFile, []byte(`{"id":"c-1","category":"fatigue","severity":"low","text":"long days"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Text, "long days"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	if _, err := Payload[ConcernData](HoldOverride, []byte(`{"reason":"x"}`)); err == nil {
		t.Error("a hold.override payload read as a concern's: want an error")
	}
	if _, err := DecodePayload("no.such", []byte(`{}`)); err == nil {
		t.Error("an unknown type decoded: want an error")
	}
	ev := mustEvent(EventHoldPlace, time.Unix(0, 0), &HoldData{Hold: RiskRedHold, Reasons: []string{"a"}})
	h, err := Payload[HoldData](ev.Type, ev.Data)
	if err != nil || h.Hold != RiskRedHold || len(h.Reasons) != 1 {
		t.Errorf("hold.place: got %+v, %v", h, err)
	}
}
