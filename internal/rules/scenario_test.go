package rules

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The contract scenarios of ../shared/scenarios, played straight through the rules: a
// small stand-in for `coldset replay` that checks the rules alone.

type scenarioFile struct {
	Name       string         `yaml:"name"`
	Production map[string]any `yaml:"production"`
	Config     map[string]any `yaml:"config"`
	Start      string         `yaml:"start"`
	People     []map[string]any
	Steps      []scenarioStep
}

type scenarioStep struct {
	At     string         `yaml:"at"`
	As     string         `yaml:"as"`
	Do     string         `yaml:"do"`
	With   map[string]any `yaml:"with"`
	Expect yaml.Node      `yaml:"expect"`
}

type expectation struct {
	Outcome      string              `yaml:"outcome"`
	Rule         string              `yaml:"rule"`
	Flags        *[]string           `yaml:"flags"`
	Incident     any                 `yaml:"incident"`
	Holds        *[]string           `yaml:"holds"`
	FirearmHolds map[string][]string `yaml:"firearm_holds"`
	Risk         string              `yaml:"risk"`
	Escalations  *[]Escalation       `yaml:"escalations"`
	Holder       map[string]string   `yaml:"holder"`
}

func TestContractScenarios(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/scenarios/*.yaml")
	if len(files) == 0 {
		t.Skip("no ../shared/scenarios beside the project")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { playScenario(t, file) })
	}
}

func playScenario(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sc scenarioFile
	if err := yaml.Unmarshal(raw, &sc); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(fmt.Sprint(sc.Production["timezone"]))
	if err != nil {
		t.Fatal(err)
	}
	clock, err := time.ParseInLocation("2006-01-02T15:04", sc.Start, loc)
	if err != nil {
		t.Fatal(err)
	}
	s := New()
	create := map[string]any{"id": sc.Production["id"], "name": sc.Production["name"], "timezone": sc.Production["timezone"]}
	if sc.Config != nil {
		create["config"] = sc.Config
	}
	mustDo(t, s, Actor{}, "production.create", create, clock)
	for _, p := range sc.People {
		mustDo(t, s, Actor{}, "person.add", p, clock)
	}
	for i, st := range sc.Steps {
		clock = moveClock(t, clock, st.At, loc)
		evs := s.Tick(clock)
		applyAll(t, s, evs)
		if st.Do != "" {
			by := Actor{Person: st.As}
			if st.As == "anonymous" {
				by = Actor{Anonymous: true, Receipt: "receipt-" + fmt.Sprint(st.With["id"], st.With["concern"])}
			}
			dec := s.Decide(by, Command{Do: st.Do, With: toJSON(t, st.With)}, clock)
			applyAll(t, s, dec)
			evs = append(evs, dec...)
		}
		res := Summarize(evs)
		if os.Getenv("SCENARIO_TRACE") != "" {
			for _, e := range evs {
				t.Logf("    %s %s %s %s", e.Time.In(loc).Format("01-02 15:04"), e.Actor, e.Type, e.Data)
			}
			t.Logf("step %d %s %s: %s %s flags=%v inc=%v esc=%v holds=%v risk=%v", i+1, st.As, st.Do, res.Outcome, res.Rule, res.Flags, res.Incidents, res.Escalations, s.Holds(), s.Risk())
		}
		checkStep(t, fmt.Sprintf("step %d (%s %s)", i+1, st.As, st.Do), s, res, st.Expect)
	}
}

func checkStep(t *testing.T, name string, s *State, res Result, node yaml.Node) {
	t.Helper()
	var ex expectation
	switch {
	case node.Kind == 0:
		ex.Outcome = OK
	case node.Kind == yaml.ScalarNode:
		ex.Outcome = node.Value
	default:
		if err := node.Decode(&ex); err != nil {
			t.Fatalf("%s: expect: %v", name, err)
		}
		if ex.Outcome == "" {
			ex.Outcome = OK
			if ex.Rule != "" {
				ex.Outcome = Refused
			}
		}
	}
	if res.Outcome != ex.Outcome || ex.Rule != "" && res.Rule != ex.Rule {
		t.Errorf("%s: got %s %s (%s), want %s %s", name, res.Outcome, res.Rule, res.Message, ex.Outcome, ex.Rule)
	}
	if ex.Flags != nil && !sameSet(res.Flags, *ex.Flags) {
		t.Errorf("%s: flags %v, want %v", name, res.Flags, *ex.Flags)
	}
	if ex.Incident != nil {
		var want []string
		switch v := ex.Incident.(type) {
		case string:
			want = []string{v}
		case []any:
			for _, k := range v {
				want = append(want, fmt.Sprint(k))
			}
		}
		if !sameSet(res.Incidents, want) {
			t.Errorf("%s: incidents %v, want %v", name, res.Incidents, want)
		}
	}
	if ex.Holds != nil && !sameSet(s.Holds(), *ex.Holds) {
		t.Errorf("%s: holds %v, want %v", name, s.Holds(), *ex.Holds)
	}
	for f, want := range ex.FirearmHolds {
		if got := s.FirearmHolds(f); !sameSet(got, want) {
			t.Errorf("%s: holds on %s %v, want %v", name, f, got, want)
		}
	}
	if ex.Risk != "" && s.Risk().Level != ex.Risk {
		t.Errorf("%s: risk %s %v, want %s", name, s.Risk().Level, s.Risk().Reasons, ex.Risk)
	}
	if ex.Escalations != nil {
		got, want := escStrings(res.Escalations), escStrings(*ex.Escalations)
		if !sameSet(got, want) {
			t.Errorf("%s: escalations %v, want %v", name, got, want)
		}
	}
	for f, want := range ex.Holder {
		if got := s.Holder(f); got != want {
			t.Errorf("%s: holder of %s %s, want %s", name, f, got, want)
		}
	}
}

func moveClock(t *testing.T, clock time.Time, at string, loc *time.Location) time.Time {
	t.Helper()
	local := clock.In(loc)
	switch {
	case at == "":
		return clock
	case strings.HasPrefix(at, "+"):
		if strings.HasSuffix(at, "d") {
			var n int
			fmt.Sscanf(at, "+%dd", &n)
			return local.AddDate(0, 0, n)
		}
		d, err := time.ParseDuration(at[1:])
		if err != nil {
			t.Fatal(err)
		}
		return clock.Add(d)
	case len(at) == 5:
		hm, err := time.Parse("15:04", at)
		if err != nil {
			t.Fatal(err)
		}
		next := time.Date(local.Year(), local.Month(), local.Day(), hm.Hour(), hm.Minute(), 0, 0, loc)
		if next.Before(clock) {
			next = next.AddDate(0, 0, 1)
		}
		return next
	}
	next, err := time.ParseInLocation("2006-01-02T15:04", at, loc)
	if err != nil {
		t.Fatal(err)
	}
	return next
}

func escStrings(es []Escalation) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s/%d", e.Concern, e.Level))
	}
	return out
}

func sameSet(a, b []string) bool {
	x, y := append([]string{}, a...), append([]string{}, b...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "\x00") == strings.Join(y, "\x00")
}

func toJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func applyAll(t *testing.T, s *State, evs []Event) {
	t.Helper()
	for _, e := range evs {
		if err := s.Apply(e); err != nil {
			t.Fatalf("apply %s %s: %v", e.Type, e.Data, err)
		}
	}
}

func mustDo(t *testing.T, s *State, by Actor, do string, with any, at time.Time) []Event {
	t.Helper()
	evs := s.Decide(by, Command{Do: do, With: toJSON(t, with)}, at)
	if r := Summarize(evs); r.Outcome != OK {
		t.Fatalf("%s: refused %s: %s (%s)", do, r.Rule, r.Message, r.Field)
	}
	applyAll(t, s, evs)
	return evs
}
