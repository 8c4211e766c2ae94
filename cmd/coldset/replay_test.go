package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedScenarios holds the scenario files every build must pass, in the shared folder
// beside the repository's root.
const sharedScenarios = "../../../shared/scenarios"

// runReplayArgs runs `coldset replay args...` in-process.
func runReplayArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = replay(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// writeScenario writes a scenario file into a temporary directory.
func writeScenario(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// quiet is a production where nothing happens: the risk stays green.
const quiet = `name: Quiet day
production: {id: quiet, name: Quiet, timezone: America/Denver}
start: 2026-03-02T06:00
people:
  - {id: pia, name: Pia Moss, roles: [producer]}
steps:
  - at: "07:00"
    expect: {risk: green, holds: []}
`

func TestReplayPasses(t *testing.T) {
	code, stdout, stderr := runReplayArgs(t, writeScenario(t, "quiet.yaml", quiet))
	if code != 0 || stdout != "PASS Quiet day (1 steps)\n" {
		t.Errorf("replay = %d, stdout %q, stderr %q; want 0 and one PASS line", code, stdout, stderr)
	}
}

func TestReplayReportsFailedExpectation(t *testing.T) {
	text := quiet + `  - at: "+30m"
    expect: {risk: red}
  - as: pia
    do: firearm.register
    with: {id: colt-1, serial: K1, type: revolver, capability: blank_fire}
  - at: "08:00"
`
	path := writeScenario(t, "wrong.yaml", text)
	code, stdout, _ := runReplayArgs(t, path)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	want := []string{
		path + ": step 2 (at 2026-03-02T07:30): risk: expected red, got green",
		path + ": step 3 (do firearm.register as pia at 2026-03-02T07:30): outcome: expected ok, got refused by role-required",
		"FAIL Quiet day: 2 of 4 steps failed",
	}
	if len(lines) != len(want) {
		t.Fatalf("stdout:\n%s\nwant %d lines", stdout, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q\nwant prefix %q", i+1, lines[i], want[i])
		}
	}
}

func TestReplayJSON(t *testing.T) {
	path := writeScenario(t, "quiet.yaml", quiet+"  - {at: \"+1h\", expect: {risk: red}}\n")
	code, stdout, stderr := runReplayArgs(t, path, "--json")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(stderr, "FAIL Quiet day: 1 of 2 steps failed") {
		t.Errorf("stderr %q, want the FAIL line there", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("stdout has %d lines, want one per step:\n%s", len(lines), stdout)
	}
	for i, line := range lines {
		var step map[string]any
		if err := json.Unmarshal([]byte(line), &step); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for _, k := range []string{"file", "step", "at", "as", "do", "outcome", "flags", "incidents", "escalations",
			"holds", "firearm_holds", "risk", "ok", "failures"} {
			if _, ok := step[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, line)
			}
		}
		if ok := step["ok"].(bool); ok != (i == 0) {
			t.Errorf("line %d ok = %v", i+1, ok)
		}
	}
}

func TestReplayUsageAndBadFiles(t *testing.T) {
	good := writeScenario(t, "quiet.yaml", quiet)
	bad := writeScenario(t, "bad.yaml", "name: x\nproduction: {id: x}\nstart: 2026-03-02T06:00\nsteps:\n  - expect: {risk: purple}\n")
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string // must contain
		stderrHas string
	}{
		{"no files", nil, 2, "", "usage: coldset replay"},
		{"unknown flag", []string{"--frobnicate", good}, 2, "", "frobnicate"},
		{"missing file, others still run", []string{filepath.Join(t.TempDir(), "nope.yaml"), good}, 2, "PASS Quiet day", "nope.yaml"},
		{"invalid file names the line", []string{bad, good}, 2, "PASS Quiet day", "bad.yaml:5: step 1: expect.risk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runReplayArgs(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("replay %v = %d\nstdout %q\nstderr %q\nwant %d, stdout with %q, stderr with %q",
					tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderrHas)
			}
		})
	}
}
