package server

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestProductionClosedPages reads a production whose concerns are partly answered:
// the state lists the open ones, and closed=concerns pages through the answered ones,
// the latest filed first, until closed_next is absent.
func TestProductionClosedPages(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("c%d", i)
		ta.action(tok["kim"], "concern.file", map[string]any{"id": id, "category": "equipment", "severity": "low", "text": "loose strap"}).must(t, http.StatusOK)
		if i != 3 {
			ta.action(tok["sol"], "concern.resolve", map[string]any{"concern": id, "action": "strap replaced"}).must(t, http.StatusOK)
		}
	}
	ta.action(tok["kim"], "incident.report", map[string]any{"id": "r1", "kind": "near-miss", "text": "x"}).must(t, http.StatusOK)
	ta.action(tok["sol"], "incident.close", map[string]any{"incident": "r1", "findings": "f", "actions": "a"}).must(t, http.StatusOK)

	type state struct {
		Concerns []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"concerns"`
		Incidents []struct {
			ID   string `json:"id"`
			Open bool   `json:"open"`
		} `json:"incidents"`
		ClosedNext string `json:"closed_next"`
	}
	read := func(query string) state {
		t.Helper()
		var s state
		decode(t, ta.call(tok["kim"], "GET", "/api/productions/dry-creek"+query, nil).must(t, http.StatusOK).body, &s)
		return s
	}

	plain := read("")
	if len(plain.Concerns) != 1 || plain.Concerns[0].ID != "c3" || len(plain.Incidents) != 0 || plain.ClosedNext != "" {
		t.Errorf("state without closed: %+v, want open c3 alone and no incident", plain)
	}
	var closed []string
	after := ""
	for range 5 {
		page := read("?closed=concerns&limit=2" + map[bool]string{true: "", false: "&after=" + after}[after == ""])
		if len(page.Concerns) == 0 || page.Concerns[0].ID != "c3" {
			t.Fatalf("page after %q does not start with the open c3: %+v", after, page.Concerns)
		}
		for _, c := range page.Concerns[1:] {
			closed = append(closed, c.ID)
		}
		if after = page.ClosedNext; after == "" {
			break
		}
	}
	if want := []string{"c5", "c4", "c2", "c1"}; !slices.Equal(closed, want) {
		t.Errorf("closed concerns by page: %v, want %v", closed, want)
	}
	if inc := read("?closed=incidents"); len(inc.Incidents) != 1 || inc.Incidents[0].ID != "r1" || inc.Incidents[0].Open || len(inc.Concerns) != 1 {
		t.Errorf("closed incidents: %+v", inc)
	}

	for _, tc := range []struct{ query, field string }{
		{"?closed=people", "closed"},
		{"?after=c1", "after"},
		{"?closed=concerns&after=nothing", "after"},
		{"?closed=incidents&after=c1", "after"},
		{"?closed=concerns&limit=0", "limit"},
		{"?closed=concerns&limit=501", "limit"},
		{"?closed=concerns&limit=x", "limit"},
	} {
		r := ta.call(tok["kim"], "GET", "/api/productions/dry-creek"+tc.query, nil).must(t, http.StatusBadRequest)
		if p := r.json(t); p["field"] != tc.field {
			t.Errorf("%s: problem %v, want field %s", tc.query, p, tc.field)
		}
	}
}

// TestOverviewAfterTrainingOfTheLargestFloat: training hours that would add up to
// +Inf are refused, naming the field, and the overview stays readable JSON.
func TestOverviewAfterTrainingOfTheLargestFloat(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	for range 2 {
		r := ta.action(tok["ana"], "training.record", map[string]any{"person": "kim", "type": "revolver", "hours": math.MaxFloat64})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("training.record of %g hours: status %d, want 422; body %s", math.MaxFloat64, r.status, r.body)
		} else if p := r.json(t); p["field"] != "with.hours" || p["rule"] != "invalid" {
			t.Errorf("training.record of %g hours: problem %v, want rule invalid, field with.hours", math.MaxFloat64, p)
		}
	}
	r := ta.call(tok["kim"], "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)
	var o struct {
		ID     string `json:"id"`
		People []struct {
			ID       string             `json:"id"`
			Training map[string]float64 `json:"training"`
		} `json:"people"`
	}
	decode(t, r.body, &o)
	if o.ID != "dry-creek" || len(o.People) == 0 {
		t.Fatalf("overview %s, want dry-creek with its people", r.body)
	}
	for _, p := range o.People {
		if h := p.Training["revolver"]; p.ID == "kim" && h != 3 {
			t.Errorf("kim's revolver training %g, want the 3 hours on record", h)
		}
	}
}

// TestWriteJSONOfWhatHasNoJSONForm: an answer that cannot be encoded is a logged 500
// problem document, not a 200 with an empty body.
func TestWriteJSONOfWhatHasNoJSONForm(t *testing.T) {
	ta := newTestAPI(t)
	w := httptest.NewRecorder()
	ta.srv.writeJSON(w, httptest.NewRequest("GET", "/api/productions/dry-creek", nil), map[string]float64{"hours": math.Inf(1)})
	if w.Code != http.StatusInternalServerError || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s, want 500 application/problem+json; body %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var p map[string]any
	decode(t, w.Body.Bytes(), &p)
	if p["status"] != float64(500) {
		t.Errorf("problem %v, want status 500", p)
	}
}
