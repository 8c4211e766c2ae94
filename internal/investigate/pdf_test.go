package investigate

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// needTool skips a test when a program it needs is missing, except on CI.
func needTool(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required on CI: %v", path, err)
		}
		t.Skipf("%s not installed", path)
	}
}

// pdfText prints a document and returns its text as pdftotext reads it.
func pdfText(t *testing.T, print func(context.Context) ([]byte, error)) string {
	t.Helper()
	needTool(t, ChromiumPath)
	needTool(t, "pdftotext")
	pdf, err := print(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(16, len(pdf))])
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Table cells wrap; compare with whitespace collapsed.
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestReportPDF(t *testing.T) {
	rec, _ := westernRecord(t)
	r, err := Build(rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, r.PDF)
	pages := regexp.MustCompile(`Page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) < 2 || pages[0][1] != "1" || pages[len(pages)-1][1] != pages[0][2] {
		t.Fatalf("page footers = %v, want Page 1 of N .. Page N of N", pages)
	}
	for _, want := range []string{
		"Investigation report: Western (2021)",
		"Period Tue 5 Oct 2021 06:00 MDT to Thu 21 Oct 2021 13:45 MDT",
		"coldset/western-2021, size 63",
		"root hash " + r.Checkpoint.RootHash,
		"1. Summary of safeguards", "2. The failure chain", "3. Overrides and dismissals",
		"4. Ammunition trace", "5. Incidents", "6. Concerns", "8. Timeline", "9. Verification",
		// the failure chain
		"armorer is armorer and a prop master",
		"lot box-b was received without a supplier or a receipt",
		"dummy lot box-b is not verified round by round",
		"denied: no time in the schedule",
		"Reason given: “we are on schedule; keep shooting”",
		"Reason given: “we cannot lose another day”",
		"incident unplanned-discharge-1 opened (unplanned-discharge) after firearm.discharge by Stunt double (stunt)",
		"Still open at the period's end",
		"escalated to level 4",
		"cam1 left citing safety",
		"cam2, cam3, cam4, cam5, cam6 left citing safety",
		"First assistant director (first_ad) tried scene.plan; refused",
		"First assistant director (first_ad) tried set.call; refused",
		"First assistant director (first_ad) tried firearm.handoff; refused",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestDailyPDF(t *testing.T) {
	rec, _ := westernRecord(t)
	d, err := BuildDaily(rec, "2021-10-21")
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, d.PDF)
	for _, want := range []string{
		"Daily safety report: Western (2021)", "Page 1 of",
		"1. Holds", "2. Refusals", "3. Flags raised", "4. Concerns", "5. Escalations", "6. Overrides and dismissals",
		"REFUSED scene.plan (line-of-fire)", "FLAG walkoff",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("daily PDF text lacks %q", want)
		}
	}
}
