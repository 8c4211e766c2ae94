package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenarioFiles lists the *.yaml files in dir. Without any, the test is skipped, or
// fails under CI, where they must be present.
func scenarioFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("no scenario files in %s", dir)
		}
		t.Skipf("no scenario files in %s", dir)
	}
	return files
}

// replayEach replays every file on its own and expects every expectation to hold.
func replayEach(t *testing.T, files []string) {
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runReplayArgs(t, f)
			if code != 0 {
				t.Errorf("coldset replay %s = %d\n%s%s", f, code, stdout, stderr)
			}
		})
	}
}

func TestReplaySharedScenarios(t *testing.T) {
	replayEach(t, scenarioFiles(t, sharedScenarios))
}

// TestReplayRuleScenarios replays the repository's own scenarios, one or more per rule.
func TestReplayRuleScenarios(t *testing.T) {
	replayEach(t, scenarioFiles(t, filepath.Join("..", "..", "testdata", "scenarios")))
}

func TestReplayKeepThenVerify(t *testing.T) {
	files := scenarioFiles(t, sharedScenarios)
	dir := t.TempDir()
	code, stdout, stderr := runReplayArgs(t, "--keep", dir, files[0])
	if code > 1 {
		t.Fatalf("replay --keep = %d\n%s%s", code, stdout, stderr)
	}
	db := filepath.Join(dir, "coldset.db")
	for _, p := range []string{db, filepath.Join(dir, "coldset.key")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("replay --keep left no %s: %v", p, err)
		}
	}
	// Replaying into the same ledger again is refused: a replay starts from nothing.
	if code, _, stderr := runReplayArgs(t, "--keep", dir, files[0]); code != 2 || !strings.Contains(stderr, "already holds") {
		t.Errorf("second replay --keep into %s = %d, stderr %q; want 2", dir, code, stderr)
	}
	if code := run(t.Context(), []string{"verify", "--db", db}); code != 0 {
		if err := runVerify(t.Context(), []string{"--db", db}); err != nil && strings.Contains(err.Error(), "not built yet") {
			t.Skip("coldset verify is not built yet")
		}
		t.Errorf("coldset verify --db %s = %d, want 0", db, code)
	}
}

func TestReplayKeepSeveral(t *testing.T) {
	a := writeScenario(t, "a.yaml", quiet)
	b := writeScenario(t, "b.yaml", strings.ReplaceAll(quiet, "id: quiet", "id: quiet-two"))
	dir := t.TempDir()
	if code, stdout, stderr := runReplayArgs(t, "--keep", dir, a, b); code != 0 {
		t.Fatalf("replay --keep with two files = %d\n%s%s", code, stdout, stderr)
	}
	for _, id := range []string{"quiet", "quiet-two"} {
		for _, name := range []string{"coldset.db", "coldset.key"} {
			if _, err := os.Stat(filepath.Join(dir, id, name)); err != nil {
				t.Errorf("no %s for %s: %v", name, id, err)
			}
		}
	}
}
