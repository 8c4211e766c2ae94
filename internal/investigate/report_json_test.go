package investigate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestReportJSON: without its line breaks, the report's JSON is what encoding/json
// makes of the report.
func TestReportJSON(t *testing.T) {
	rec, _ := westernRecord(t)
	for name, opts := range map[string]Options{
		"whole":      {},
		"incident":   {Incident: "unplanned-discharge-1"},
		"refusals":   {Filter: Filter{Kind: "refused"}},
		"to entry 9": {To: rec.Entries[9].Time},
		"nothing":    {Filter: Filter{Firearm: "no-such-firearm"}},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Build(rec, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(compact.Bytes(), want) {
				t.Errorf("report JSON differs from encoding/json's:\n%s\n%s", compact.Bytes(), want)
			}
			if lines := bytes.Count(got, []byte("\n")); len(r.Timeline) > 0 && lines != len(r.Timeline)+2 {
				t.Errorf("%d lines for %d timeline entries, want one each and two more", lines, len(r.Timeline))
			}
		})
	}
}

// eventStrings are strings encoding/json escapes in every way it does.
var eventStrings = []string{
	"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\rcr", "\b\f\x00\x01\x1f\x7f",
	"café ☕", "bad \xff utf-8 \xc3", "line\u2028para\u2029", "\U0001F600 emoji", "\u00a0nbsp",
}

func TestAppendEvent(t *testing.T) {
	at := time.Date(2021, 10, 21, 12, 48, 3, 120000000, time.FixedZone("MDT", -6*3600))
	cause := uint64(7)
	for _, s := range eventStrings {
		for _, ev := range []Event{
			{Index: 1, Time: at, Type: s, Summary: s},
			{Index: 2, Time: at.UTC(), Type: "x", Actor: &Person{ID: s, Name: s, Roles: []string{s, "armorer"}}, Summary: s, Rule: s, Firearm: s, Lot: s, People: []string{s}, Cause: &cause},
			{Index: 3, Actor: &Person{Name: s}, People: []string{}},
		} {
			checkEvent(t, ev)
		}
	}
}

func checkEvent(t *testing.T, ev Event) {
	t.Helper()
	want, werr := json.Marshal(ev)
	got, gerr := appendEvent(nil, &ev)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
		t.Errorf("event %+v:\n got %s (%v)\nwant %s (%v)", ev, got, gerr, want, werr)
	}
}

func TestAppendEventTimes(t *testing.T) {
	for _, at := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		checkEvent(t, Event{Time: at})
	}
}

func FuzzAppendEvent(f *testing.F) {
	for _, s := range eventStrings {
		f.Add(s, strings.ToUpper(s), uint64(len(s)))
	}
	f.Fuzz(func(t *testing.T, a, b string, n uint64) {
		checkEvent(t, Event{Index: n, Time: time.Unix(int64(n%1e10), int64(n%1e9)), Type: a, Summary: b, Rule: a, Firearm: b,
			Actor: &Person{ID: a, Name: b, Roles: []string{a, b}}, People: []string{b, a}, Cause: &n})
	})
}
