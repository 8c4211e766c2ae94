package loadmix

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store/storetest"
)

func TestAcksCheck(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	var bodies [][]byte
	for i, e := range []struct{ typ, payload string }{
		{"firearm.handoff", `{"firearm":"f-1","to":"actor-1"}`},
		{"firearm.handoff", `{"firearm":"f-1","to":"actor-1"}`},
		{"refused", `{"do":"firearm.handoff","rule":"inspect-before-handoff"}`},
		{"concern.file", `{"id":"c-1-0","category":"equipment"}`},
		{"concern.ack", `{"concern":"c-1-0"}`},
	} {
		b, err := ledger.Entry{Production: "p", Index: uint64(i), Time: time.Unix(0, 0), Type: e.typ, Payload: json.RawMessage(e.payload)}.Encode()
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	if err := st.Append(ctx, "p", 0, bodies, nil); err != nil {
		t.Fatal(err)
	}
	with := func(s string) json.RawMessage { return json.RawMessage(s) }
	tests := []struct {
		name    string
		acked   [][2]string // action, with
		missing string      // in the error; "" means Check passes
	}{
		{name: "nothing acknowledged"},
		{name: "two hand-overs acknowledged, two stored", acked: [][2]string{
			{"firearm.handoff", `{"firearm":"f-1","to":"actor-1"}`}, {"firearm.handoff", `{"firearm":"f-1","to":"actor-1"}`},
		}},
		{name: "three hand-overs acknowledged, two stored (a refusal does not count)", acked: [][2]string{
			{"firearm.handoff", `{"firearm":"f-1"}`}, {"firearm.handoff", `{"firearm":"f-1"}`}, {"firearm.handoff", `{"firearm":"f-1"}`},
		}, missing: "firearm.handoff f-1 (acknowledged 3, stored 2)"},
		{name: "a concern and its acknowledgement", acked: [][2]string{
			{"concern.file", `{"id":"c-1-0"}`}, {"concern.ack", `{"concern":"c-1-0"}`},
		}},
		{name: "a concern that is not stored", acked: [][2]string{{"concern.file", `{"id":"c-2-0"}`}}, missing: "concern.file c-2-0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAcks()
			for _, ack := range tt.acked {
				a.add(ack[0], subject(with(ack[1])))
			}
			size, err := a.Check(ctx, st, "p")
			if size != 5 {
				t.Errorf("size %d, want 5", size)
			}
			switch {
			case tt.missing == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.missing != "" && (err == nil || !strings.Contains(err.Error(), tt.missing)):
				t.Fatalf("Check: %v, want an error naming %q", err, tt.missing)
			}
		})
	}
}
