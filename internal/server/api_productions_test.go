package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProductionState(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	ta.action(tok["ana"], "firearm.register", map[string]any{"id": "colt-1", "serial": "K1", "type": "revolver", "capability": "blank_fire"}).must(t, http.StatusOK)
	ta.action(tok["kim"], "concern.file", map[string]any{"id": "c1", "category": "fatigue", "severity": "low", "text": "14-hour days"}).must(t, http.StatusOK)
	filed := ta.call(tok["kim"], "POST", "/api/productions/dry-creek/actions", map[string]any{
		"do": "concern.file", "anonymous": true,
		"with": map[string]any{"id": "c2", "category": "firearms", "severity": "critical", "text": "rounds left on the cart"},
	}).must(t, http.StatusOK).json(t)
	receipt, _ := filed["receipt"].(string)
	if receipt == "" {
		t.Fatalf("anonymous filing answered no receipt: %v", filed)
	}
	if holds := filed["state"].(map[string]any)["holds"]; !strings.Contains(string(mustJSON(t, holds)), "critical-concern") {
		t.Errorf("holds after a critical firearms concern: %v", holds)
	}

	// The acknowledge deadline of c2 passes; reading the production records it.
	ta.setClock(dayOne.Add(20 * time.Minute))
	r := ta.call(tok["sol"], "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)
	var got struct {
		Name   string `json:"name"`
		Person string `json:"person"`
		Risk   struct{ Level string }
		Holds  []struct {
			ID       string
			LiftedBy string `json:"lifted_by"`
		}
		Firearms []struct{ ID, Holder string }
		Concerns []map[string]any
		People   []struct{ ID string }
	}
	decode(t, r.body, &got)
	if got.Name != "Dry Creek" || got.Person != "sol" || got.Risk.Level != "amber" {
		t.Errorf("name %q, person %q, risk %q; want Dry Creek, sol, amber", got.Name, got.Person, got.Risk.Level)
	}
	if len(got.Holds) != 1 || got.Holds[0].ID != "critical-concern" || got.Holds[0].LiftedBy == "" {
		t.Errorf("holds %+v, want critical-concern saying who lifts it", got.Holds)
	}
	if len(got.Firearms) != 1 || got.Firearms[0].Holder != "armory" {
		t.Errorf("firearms %+v, want colt-1 in the armory", got.Firearms)
	}
	if len(got.People) != 4 {
		t.Errorf("people %+v, want 4", got.People)
	}
	byID := map[string]map[string]any{}
	for _, c := range got.Concerns {
		byID[c["id"].(string)] = c
	}
	if c := byID["c1"]; c["reporter"] != "kim" || c["ack_by"] == nil {
		t.Errorf("concern c1 %v: want reporter kim and an acknowledge deadline", c)
	}
	if c := byID["c2"]; c["anonymous"] != true || c["reporter"] != nil || c["level"] != float64(2) {
		t.Errorf("concern c2 %v: want anonymous, no reporter, escalated to level 2 by the read", c)
	}
	if strings.Contains(string(r.body), receipt) {
		t.Errorf("the production's state shows the receipt code")
	}

	// The receipt reopens nothing while the concern is open, but it is the reporter's
	// key: a wrong one is refused.
	wrong := ta.call(tok["kim"], "POST", "/api/productions/dry-creek/actions", map[string]any{
		"do": "concern.reopen", "anonymous": true, "receipt": "not-the-code", "with": map[string]any{"concern": "c2"},
	})
	if wrong.status == http.StatusOK {
		t.Errorf("reopen with a wrong receipt accepted: %s", wrong.body)
	}
}
