package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"coldset/internal/rules"
)

// TestOldRecordShowsOnThePages: a concern's thread, a person's record, their training
// requests and the overrides are found by the indexes the read side keeps, so the
// pages show them however many entries were recorded after them.
func TestOldRecordShowsOnThePages(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	sol, kim, pia := env.session("sol"), env.session("kim"), env.session("pia")
	const (
		concern  = "old-marker: the squib harness was reused without a check"
		reply    = "old-marker: which harness number?"
		walkoff  = "old-marker: the blank loads were not shown to us"
		override = "old-marker: the walk-off is answered, the scene goes on"
		note     = "old-marker: before the saloon scene"
	)
	env.act(kim, rules.ConcernFile, map[string]any{"id": "kim-old", "category": "equipment", "severity": "low", "text": concern}).must(t, http.StatusOK)
	env.act(sol, rules.ConcernReply, map[string]any{"concern": "kim-old", "text": reply}).must(t, http.StatusOK)
	env.act(kim, rules.TrainingRequest, map[string]any{"id": "kim-train-old", "type": "rifle", "hours": 2, "note": note}).must(t, http.StatusOK)
	env.act(kim, rules.CrewWalkoff, map[string]any{"people": []string{"kim"}, "reason": walkoff, "safety": true}).must(t, http.StatusOK)
	env.act(pia, rules.HoldOverride, map[string]any{"reason": override}).must(t, http.StatusOK)

	// Several days of a busy production later: more entries than any window.
	env.bury("the record")

	for _, c := range []struct {
		name string
		who  *http.Cookie
		path string
		want []string
	}{
		{"the concern's thread", sol, "/productions/dry-creek/concerns/kim-old", []string{concern, reply}},
		{"the person's record", sol, "/productions/dry-creek/people/kim", []string{walkoff, "Asked for training"}},
		{"the person's own training requests", kim, "/productions/dry-creek/people/kim", []string{"2 h of rifle"}},
		{"the training requests", sol, "/productions/dry-creek/training", []string{note}},
		{"the overrides", pia, "/productions/dry-creek/safety", []string{override}},
	} {
		page := env.getPage(c.who, c.path)
		for _, w := range c.want {
			if page.status != http.StatusOK || !strings.Contains(string(page.body), w) {
				t.Errorf("%s (%s): %d, without %q", c.name, c.path, page.status, w)
			}
		}
	}
}
