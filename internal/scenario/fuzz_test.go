package scenario

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic: it either accepts the file or
// returns a *ParseError.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(sharedScenarios, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.yaml"))
	for _, p := range append(paths, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(header + "  - {as: ana, do: x, with: {a: &x [1, *x]}}\n"))
	f.Add([]byte(header + "  - at: \"+1d\"\n    expect: {escalations: [{concern: c, level: 4}], incident: []}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := Parse("fuzz.yaml", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *ParseError", err)
			}
			return
		}
		if sf.Production.Location == nil || sf.Name == "" || !idPattern.MatchString(sf.Production.ID) {
			t.Errorf("accepted a file without a name, a valid id or a time zone")
		}
		if sf.Config != nil && !json.Valid(sf.Config) {
			t.Errorf("config is not JSON: %s", sf.Config)
		}
		clock := sf.Start
		for i, s := range sf.Steps {
			if !json.Valid(s.With) {
				t.Errorf("step %d: with is not JSON: %s", i+1, s.With)
			}
			if s.Time.Before(clock) {
				t.Errorf("step %d: the clock moved back from %s to %s", i+1, clock, s.Time)
			}
			if s.Expect.Outcome != "ok" && s.Expect.Outcome != "refused" {
				t.Errorf("step %d: outcome %q", i+1, s.Expect.Outcome)
			}
			clock = s.Time
		}
	})
}
