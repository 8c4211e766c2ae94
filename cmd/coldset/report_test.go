package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestReportExportVerifyCLI(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	db := filepath.Join(dir, "coldset.db")
	western := scenarioFiles(t, sharedScenarios)[0]
	for _, f := range scenarioFiles(t, sharedScenarios) {
		if filepath.Base(f) == "western-2021.yaml" {
			western = f
		}
	}
	if code := run(ctx, []string{"replay", "--keep", dir, western}); code != 0 {
		t.Fatalf("replay: exit %d", code)
	}
	out := filepath.Join(dir, "r.json")
	if code := run(ctx, []string{"report", "--db", db, "--production", "western-2021", "--out", out}); code != 0 {
		t.Fatalf("report: exit %d", code)
	}
	var r struct {
		FailureChain []struct{ Rule, Status string } `json:"failure_chain"`
	}
	if b, err := os.ReadFile(out); err != nil || json.Unmarshal(b, &r) != nil || len(r.FailureChain) == 0 {
		t.Fatalf("report json: %v, %d safeguards", err, len(r.FailureChain))
	}
	bundle := filepath.Join(dir, "b.zip")
	if code := run(ctx, []string{"export", "--db", db, "--production", "western-2021", "--pdf=false", "--out", bundle}); code != 0 {
		t.Fatalf("export: exit %d", code)
	}
	// The bundle's report.json is the document `coldset report` writes.
	if cli, err := os.ReadFile(out); err != nil || !bytes.Equal(cli, bundleFile(t, bundle, "report.json")) {
		t.Errorf("report.json in the bundle is not the report `coldset report --format json` writes (%v)", err)
	}
	key := filepath.Join(dir, "coldset.key")
	tests := []struct {
		name   string
		mutate bool
		want   int
	}{
		{"intact bundle", false, 0},
		{"entry changed", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := bundle
			if tt.mutate {
				path = filepath.Join(t.TempDir(), "m.zip")
				rewriteEntry(t, bundle, path, "entries.jsonl")
			}
			if code := run(ctx, []string{"verify", "--bundle", path, "--key", key}); code != tt.want {
				t.Errorf("verify --bundle: exit %d, want %d", code, tt.want)
			}
		})
	}
}

// bundleFile reads one file of a bundle.
func bundleFile(t *testing.T, bundle, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rewriteEntry copies a bundle, changing one byte of one file.
func rewriteEntry(t *testing.T, from, to, name string) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		data := b.Bytes()
		if f.Name == name {
			data[len(data)/2] ^= 1
		}
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
