package investigate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"coldset/internal/ledger"
)

// JSON returns the report as `coldset report --format json` writes it and an
// evidence bundle holds it (report.json): compact JSON, with each entry of the
// timeline on a line of its own, so that a timeline of a million entries stays a
// file that tools read line by line. Without those line breaks it is exactly what
// encoding/json makes of the report; the timeline, most of a long report, is written
// without reflection.
func (r *Report) JSON() ([]byte, error) {
	head := *r
	head.Timeline = []Event{}
	b, err := json.Marshal(&head)
	if err != nil {
		return nil, fmt.Errorf("report json: %w", err)
	}
	const empty = `"timeline":[]}`
	if !bytes.HasSuffix(b, []byte(empty)) {
		return nil, fmt.Errorf("report json: the timeline is not the report's last field")
	}
	b = b[:len(b)-len("[]}")]
	out := make([]byte, 0, len(b)+len(r.Timeline)*eventJSONSize+8)
	out = append(append(out, b...), '[')
	for i := range r.Timeline {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '\n')
		if out, err = appendEvent(out, &r.Timeline[i]); err != nil {
			return nil, fmt.Errorf("report json: timeline entry %d: %w", r.Timeline[i].Index, err)
		}
	}
	if len(r.Timeline) > 0 {
		out = append(out, '\n')
	}
	return append(out, "]}\n"...), nil
}

// eventJSONSize is about the size of one timeline entry in JSON.
const eventJSONSize = 256

// appendEvent appends ev as encoding/json writes an Event.
func appendEvent(b []byte, ev *Event) ([]byte, error) {
	b = append(b, `{"index":`...)
	b = strconv.AppendUint(b, ev.Index, 10)
	b = append(b, `,"time":`...)
	b, err := appendTime(b, ev.Time)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"type":`...)
	b = ledger.AppendJSONString(b, ev.Type)
	if ev.Actor != nil {
		b = append(b, `,"actor":`...)
		b = appendPerson(b, ev.Actor)
	}
	b = append(b, `,"summary":`...)
	b = ledger.AppendJSONString(b, ev.Summary)
	for _, f := range [...]struct{ key, val string }{{`,"rule":`, ev.Rule}, {`,"firearm":`, ev.Firearm}, {`,"lot":`, ev.Lot}} {
		if f.val != "" {
			b = append(b, f.key...)
			b = ledger.AppendJSONString(b, f.val)
		}
	}
	if len(ev.People) > 0 {
		b = append(b, `,"people":`...)
		b = appendStrings(b, ev.People)
	}
	if ev.Cause != nil {
		b = append(b, `,"cause":`...)
		b = strconv.AppendUint(b, *ev.Cause, 10)
	}
	return append(b, '}'), nil
}

func appendPerson(b []byte, p *Person) []byte {
	b = append(b, '{')
	if p.ID != "" {
		b = append(b, `"id":`...)
		b = ledger.AppendJSONString(b, p.ID)
		b = append(b, ',')
	}
	b = append(b, `"name":`...)
	b = ledger.AppendJSONString(b, p.Name)
	if len(p.Roles) > 0 {
		b = append(b, `,"roles":`...)
		b = appendStrings(b, p.Roles)
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = ledger.AppendJSONString(b, s)
	}
	return append(b, ']')
}

// appendTime writes t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("time %v: year outside [0,9999]", t)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}
