// Package scenario reads the scenario files of SCENARIOS.md and replays them through a
// production's rules on a fresh ledger, checking every step's expectations.
package scenario

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"coldset/internal/rules"
)

// File is one parsed scenario. Every step's clock is already resolved: the times of a
// scenario follow from its text alone, so a step that would move the clock backwards is
// a parse error rather than a failure found halfway through a replay.
type File struct {
	Path       string
	Name       string
	Production Production
	Config     json.RawMessage // the config map as JSON; nil when the file has none
	Start      time.Time
	People     []json.RawMessage // person.add "with" maps, in file order
	Steps      []Step
}

// Production is the production a scenario creates.
type Production struct {
	ID       string
	Name     string
	Timezone string
	Location *time.Location
}

// Step is one step of a scenario.
type Step struct {
	Line   int
	At     string    // the "at" text as written; empty when the clock does not move
	Time   time.Time // the clock during the step
	As     string    // acting person's id, or Anonymous
	Do     string    // empty for a step that only moves the clock
	With   json.RawMessage
	Expect Expect
}

// Anonymous is the "as" of a step done by an anonymous reporter.
const Anonymous = "anonymous"

// Expect is what a step must observe. Nil fields are not checked.
type Expect struct {
	Outcome      string // "ok" or "refused"; always set
	Rule         *string
	Flags        *[]string
	Incidents    *[]string
	Holds        *[]string
	FirearmHolds map[string][]string
	Risk         *string
	Escalations  *[]rules.Escalation
	Holder       map[string]string
}

// ParseError locates a problem in a scenario file.
type ParseError struct {
	File  string
	Line  int
	Field string // e.g. "production.id" or "step 3: expect.risk"; may be empty
	Msg   string
}

func (e *ParseError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	s += ": "
	if f := strings.TrimSuffix(e.Field, ": "); f != "" {
		s += f + ": "
	}
	return s + e.Msg
}

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// ParseFile reads and parses the scenario at path.
func ParseFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Parse(path, data)
}

// localLayout formats times in messages the way scenario files write them.
const localLayout = "2006-01-02T15:04"

// FormatLocal writes t as a scenario file would: local wall-clock time, minutes
// precision unless there are seconds.
func FormatLocal(t time.Time) string {
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format(localLayout)
}
