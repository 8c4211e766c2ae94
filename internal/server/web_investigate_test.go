package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestInvestigationPages(t *testing.T) {
	ta := newTestAPI(t)
	tokens := ta.dryCreek()
	// A box of dummies with no supplier: a known-supplier flag the report must show.
	ta.action(tokens["ana"], "ammo.receive", map[string]any{"lot": "box-b", "kind": "dummy", "caliber": ".45 Colt", "count": 24}).must(t, http.StatusOK)
	day := ta.clock().Format("2006-01-02")

	cases := []struct {
		name, who, path string
		status          int
		want            []string
	}{
		{"report for the safety officer", "sol", "/productions/dry-creek/investigation", 200, []string{"The failure chain", "known-supplier", "box-b"}},
		{"report for a producer, filtered by lot", "pia", "/productions/dry-creek/investigation?lot=box-b", 200, []string{"box-b"}},
		{"daily report", "sol", "/productions/dry-creek/daily?date=" + day, 200, []string{"known-supplier"}},
		{"report refused to an actor", "kim", "/productions/dry-creek/investigation", 403, nil},
		{"daily report refused to the armorer", "ana", "/productions/dry-creek/daily", 403, nil},
		{"a bad date", "sol", "/productions/dry-creek/daily?date=yesterday", 400, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ta.call(tokens[tc.who], "GET", tc.path, nil)
			if r.status != tc.status {
				t.Fatalf("GET %s as %s: status %d, want %d: %.300s", tc.path, tc.who, r.status, tc.status, r.body)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("GET %s: page lacks %q", tc.path, w)
				}
			}
			if tc.status == 200 {
				csp := r.header.Get("Content-Security-Policy")
				if !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "unsafe-inline") {
					t.Errorf("Content-Security-Policy %q: want the report's style allowed by its hash only", csp)
				}
			}
		})
	}
}
