package scenario

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"coldset/internal/rules"
)

// header is a minimal valid scenario up to its steps.
const header = `name: test
production: {id: p1, name: P One, timezone: America/Denver}
start: 2026-03-02T06:00
people:
  - {id: ana, name: Ana, roles: [armorer], certified_until: 2027-01-01}
steps:
`

func parseSteps(t *testing.T, steps string) *File {
	t.Helper()
	f, err := Parse("t.yaml", []byte(header+steps))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseHeader(t *testing.T) {
	f, err := Parse("t.yaml", []byte(header+"config: {inspect_window: 5m, training_hours: {any: 3}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "test" || f.Production.ID != "p1" || f.Production.Name != "P One" || f.Production.Timezone != "America/Denver" {
		t.Errorf("header = %q %+v", f.Name, f.Production)
	}
	if got, want := f.Start.Format("2006-01-02T15:04 MST"), "2026-03-02T06:00 MST"; got != want {
		t.Errorf("start = %s, want %s", got, want)
	}
	if got, want := string(f.Config), `{"inspect_window":"5m","training_hours":{"any":3}}`; got != want {
		t.Errorf("config = %s, want %s", got, want)
	}
	if got, want := string(f.People[0]), `{"id":"ana","name":"Ana","roles":["armorer"],"certified_until":"2027-01-01"}`; got != want {
		t.Errorf("people[0] = %s, want %s", got, want)
	}
}

func TestParseWithKeepsYAMLTypes(t *testing.T) {
	f := parseSteps(t, `  - as: ana
    do: x
    with: {s: "12", n: 12, f: 1.5, b: true, d: 2027-01-01, ts: 2027-01-01T10:00:00Z, c: .45 Colt, z: ~, l: [a, 2], m: {k: v}, q: 'true'}
`)
	want := `{"s":"12","n":12,"f":1.5,"b":true,"d":"2027-01-01","ts":"2027-01-01T10:00:00Z","c":".45 Colt","z":null,"l":["a",2],"m":{"k":"v"},"q":"true"}`
	if got := string(f.Steps[0].With); got != want {
		t.Errorf("with = %s\nwant   %s", got, want)
	}
}

func TestParseWithoutWithIsEmptyObject(t *testing.T) {
	f := parseSteps(t, "  - {as: sol, do: hold.clear}\n")
	if got := string(f.Steps[0].With); got != "{}" {
		t.Errorf("with = %s, want {}", got)
	}
}

func TestParseExpect(t *testing.T) {
	str := func(s string) *string { return &s }
	names := func(xs ...string) *[]string {
		if xs == nil {
			xs = []string{}
		}
		return &xs
	}
	tests := []struct {
		name   string
		expect string
		want   Expect
	}{
		{"absent is ok", "", Expect{Outcome: "ok"}},
		{"ok", "expect: ok", Expect{Outcome: "ok"}},
		{"refused", "expect: refused", Expect{Outcome: "refused"}},
		{"rule implies refused", "expect: {rule: line-of-fire}", Expect{Outcome: "refused", Rule: str("line-of-fire")}},
		{"outcome refused with rule", "expect: {outcome: refused, rule: invalid}", Expect{Outcome: "refused", Rule: str("invalid")}},
		{"incident one", "expect: {incident: live-round}", Expect{Outcome: "ok", Incidents: names("live-round")}},
		{"incident list", "expect: {incident: [injury, unplanned-discharge]}", Expect{Outcome: "ok", Incidents: names("injury", "unplanned-discharge")}},
		{"incident none", "expect: {incident: []}", Expect{Outcome: "ok", Incidents: names()}},
		{"flags and holds", "expect: {flags: [override], holds: []}", Expect{Outcome: "ok", Flags: names("override"), Holds: names()}},
		{"risk", "expect: {risk: amber}", Expect{Outcome: "ok", Risk: str("amber")}},
		{"firearm holds", "expect: {firearm_holds: {colt-1: [secure-at-break], colt-2: []}}", Expect{Outcome: "ok",
			FirearmHolds: map[string][]string{"colt-1": {"secure-at-break"}, "colt-2": {}}}},
		{"holder", "expect: {holder: {colt-1: kim, colt-2: armory}}", Expect{Outcome: "ok", Holder: map[string]string{"colt-1": "kim", "colt-2": "armory"}}},
		{"escalations", "expect: {escalations: [{concern: c1, level: 2}, {concern: c2, level: 1}]}", Expect{Outcome: "ok",
			Escalations: &[]rules.Escalation{{Concern: "c1", Level: 2}, {Concern: "c2", Level: 1}}}},
		{"no escalations", "expect: {escalations: []}", Expect{Outcome: "ok", Escalations: &[]rules.Escalation{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseSteps(t, "  - at: \"07:00\"\n    "+tt.expect+"\n")
			if got := f.Steps[0].Expect; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("expect = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // the error's text must contain this
	}{
		{"not YAML", "name: [", "t.yaml"},
		{"YAML syntax names the line", "name: x\nsteps:\n  - at: \"07:00\n", "t.yaml:3: "},
		{"empty", "", "t.yaml: empty file"},
		{"not a map", "- a\n", "t.yaml:1: want a mapping"},
		{"name required", "production: {id: p}\nstart: 2026-03-02T06:00\n", "t.yaml:1: name: required"},
		{"unknown top key", header + "stpes: []\n", "t.yaml:7: stpes: unknown key"},
		{"bad production id", strings.Replace(header, "id: p1", "id: P_1", 1), "t.yaml:2: production.id: want lowercase"},
		{"unknown time zone", strings.Replace(header, "America/Denver", "Mars/Olympus", 1), "t.yaml:2: production.timezone: unknown time zone"},
		{"bad start", strings.Replace(header, "2026-03-02T06:00", "yesterday", 1), "t.yaml:3: start: want a local time"},
		{"unknown expect key", header + "  - at: \"07:00\"\n    expect: {risk: red, hold: []}\n", "t.yaml:8: step 1: expect.hold: unknown key"},
		{"bad risk", header + "  - expect: {risk: blue}\n", "t.yaml:7: step 1: expect.risk: want green, amber or red"},
		{"bad expect word", header + "  - expect: fine\n", "t.yaml:7: step 1: expect: want ok, refused or a map"},
		{"ok with a rule", header + "  - expect: {outcome: ok, rule: invalid}\n", "step 1: expect.outcome: a rule is named only by a refusal"},
		{"bad level", header + "  - expect: {escalations: [{concern: c, level: two}]}\n", "step 1: expect.escalations.level: want 1, 2, 3 or 4"},
		{"at before the clock", header + "  - at: 2026-03-01T08:00\n", "t.yaml:7: step 1: at: 2026-03-01T08:00 is before the clock (2026-03-02T06:00)"},
		{"bad at", header + "  - at: soon\n", "t.yaml:7: step 1: at: want"},
		{"do without as", header + "  - do: firearm.register\n", "t.yaml:7: step 1: as: required with do"},
		{"as without do", header + "  - as: ana\n", "step 1: do: required with as or with"},
		{"unknown step key", header + "  - {as: ana, do: x, wiht: {}}\n", "t.yaml:7: step 1: wiht: unknown key"},
		{"duplicate with key", header + "  - {as: ana, do: x, with: {a: 1, a: 2}}\n", "step 1: with.a: duplicate key"},
		{"with not a map", header + "  - {as: ana, do: x, with: [1]}\n", "step 1: with: want a mapping"},
		{"second step line", header + "  - {as: ana, do: x}\n  - {as: ana, do: y, expect: {risk: x}}\n", "t.yaml:8: step 2: expect.risk"},
		{"infinite number", header + "  - {as: ana, do: x, with: {n: .inf}}\n", "step 1: with.n: \".inf\" is not a number"},
		{"person not a map", strings.Replace(header, "  - {id: ana", "  - ana\n  - {id: ana", 1), "t.yaml:5: people[0]: want a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse accepted it, want an error containing %q", tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *ParseError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseStepTimes(t *testing.T) {
	f := parseSteps(t, `  - at: "07:00"
  - at: "+90m"
  - {}
  - at: "06:00"
  - at: 2026-03-05T09:15
`)
	var got []string
	for _, s := range f.Steps {
		got = append(got, FormatLocal(s.Time))
	}
	want := []string{"2026-03-02T07:00", "2026-03-02T08:30", "2026-03-02T08:30", "2026-03-03T06:00", "2026-03-05T09:15"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("step times = %v, want %v", got, want)
	}
}

func TestParseAliasBomb(t *testing.T) {
	// Each level doubles the expansion: 2^30 nodes if expanded naively.
	var b strings.Builder
	b.WriteString(header + "  - {as: ana, do: x, with: {v: &a0 [x, x]}}\n")
	for i := 1; i <= 30; i++ {
		b.WriteString("  - {as: ana, do: x, with: {v: &a")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(" [*a" + strconv.Itoa(i-1) + ", *a" + strconv.Itoa(i-1) + "]}}\n")
	}
	if _, err := Parse("t.yaml", []byte(b.String())); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("Parse = %v, want a too-large error", err)
	}
}
