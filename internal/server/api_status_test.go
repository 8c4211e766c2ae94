package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// wantProblem checks an RFC 9457 problem answer: its status, content type, and the
// rule and field members (empty: absent).
func wantProblem(t *testing.T, r reply, status int, rule, field string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if p["status"] != float64(status) || p["type"] == "" || p["title"] == "" {
		t.Errorf("problem %v lacks type, title or the status %d", p, status)
	}
	if d, _ := p["detail"].(string); d == "" {
		t.Errorf("problem %v has no detail", p)
	}
	if got, _ := p["rule"].(string); got != rule {
		t.Errorf("rule %q, want %q (problem %v)", got, rule, p)
	}
	if got, _ := p["field"].(string); got != field {
		t.Errorf("field %q, want %q (problem %v)", got, field, p)
	}
	return p
}

func TestActionStatuses(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	other := ta.account("stranger@crew.test", false)
	revolver := map[string]any{"id": "colt-1", "serial": "K1", "type": "revolver", "capability": "blank_fire"}

	t.Run("200: accepted action answers the result and the state", func(t *testing.T) {
		body := ta.action(tok["ana"], "firearm.register", revolver).must(t, http.StatusOK).json(t)
		if body["outcome"] != "ok" {
			t.Errorf("outcome %v, want ok", body["outcome"])
		}
		state, _ := body["state"].(map[string]any)
		risk, _ := state["risk"].(map[string]any)
		if risk["level"] != "green" {
			t.Errorf("state.risk %v, want level green", state["risk"])
		}
	})
	t.Run("409: refused by inspect-before-handoff", func(t *testing.T) {
		r := ta.action(tok["ana"], "firearm.handoff", map[string]any{"firearm": "colt-1", "to": "kim"})
		p := wantProblem(t, r, http.StatusConflict, "inspect-before-handoff", "")
		if d := p["detail"].(string); !strings.Contains(d, "inspect") {
			t.Errorf("detail %q does not say what to do", d)
		}
	})
	t.Run("403: role-required, and the refusal is recorded", func(t *testing.T) {
		size := ta.ledgerSize(t, "dry-creek")
		r := ta.action(tok["kim"], "firearm.register", map[string]any{"id": "colt-2", "serial": "K2", "type": "revolver", "capability": "blank_fire"})
		wantProblem(t, r, http.StatusForbidden, "role-required", "")
		if got := ta.ledgerSize(t, "dry-creek"); got != size+1 {
			t.Errorf("ledger size %d after the refusal, want %d", got, size+1)
		}
	})
	t.Run("422: invalid names the field", func(t *testing.T) {
		r := ta.action(tok["ana"], "firearm.register", map[string]any{"id": "colt-3", "serial": "K3", "type": "revolver", "capability": "laser"})
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid", "with.capability")
	})
	for _, tt := range []struct {
		name, body, field string
	}{
		{"400: malformed JSON", `{"do": "firearm.register", `, ""},
		{"400: unknown field", `{"do": "firearm.register", "as": "ana"}`, "as"},
		{"400: wrong type", `{"do": 7}`, "do"},
		{"400: two values", `{"do": "hold.clear"} {}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ta.call(tok["ana"], "POST", "/api/productions/dry-creek/actions", tt.body)
			wantProblem(t, r, http.StatusBadRequest, "", tt.field)
		})
	}
	t.Run("413: body too large", func(t *testing.T) {
		r := ta.call(tok["ana"], "POST", "/api/productions/dry-creek/actions", `{"do": "concern.file", "with": {"text": "`+strings.Repeat("x", maxRequestBody)+`"}}`)
		wantProblem(t, r, http.StatusRequestEntityTooLarge, "", "")
	})
	t.Run("401: no credentials", func(t *testing.T) {
		r := ta.call("", "POST", "/api/productions/dry-creek/actions", map[string]any{"do": "hold.clear"})
		wantProblem(t, r, http.StatusUnauthorized, "", "")
	})
	t.Run("401: unknown token", func(t *testing.T) {
		r := ta.call("coldset_not-a-token", "GET", "/api/productions/dry-creek", nil)
		wantProblem(t, r, http.StatusUnauthorized, "", "")
	})
	t.Run("404: not a member, for reads and writes alike", func(t *testing.T) {
		for _, id := range []string{"dry-creek", "no-such-production"} {
			read := wantProblem(t, ta.call(other, "GET", "/api/productions/"+id, nil), http.StatusNotFound, "", "")
			write := wantProblem(t, ta.call(other, "POST", "/api/productions/"+id+"/actions", map[string]any{"do": "hold.clear"}), http.StatusNotFound, "", "")
			if !strings.Contains(read["detail"].(string), id) || read["detail"] != write["detail"] {
				t.Errorf("details differ: %q and %q", read["detail"], write["detail"])
			}
		}
	})
}

func (ta *testAPI) ledgerSize(t *testing.T, production string) uint64 {
	t.Helper()
	n, err := ta.st.Size(context.Background(), production)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProductionStatuses(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()
	admin := tok["admin"]

	t.Run("201: admin creates a production", func(t *testing.T) {
		r := ta.call(admin, "POST", "/api/productions", map[string]any{"id": "bonanza", "name": "Bonanza", "timezone": "America/Los_Angeles",
			"config": map[string]any{"inspect_window": "5m"}})
		if body := r.must(t, http.StatusCreated).json(t); body["id"] != "bonanza" {
			t.Errorf("created %v, want bonanza", body["id"])
		}
	})
	t.Run("409: the id is taken", func(t *testing.T) {
		r := ta.call(admin, "POST", "/api/productions", map[string]any{"id": "bonanza", "name": "Again", "timezone": "UTC"})
		wantProblem(t, r, http.StatusConflict, "", "id")
	})
	t.Run("422: not a time zone, and nothing recorded", func(t *testing.T) {
		r := ta.call(admin, "POST", "/api/productions", map[string]any{"id": "mars", "name": "Mars", "timezone": "Mars/Olympus"})
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid", "timezone")
		if n := ta.ledgerSize(t, "mars"); n != 0 {
			t.Errorf("a refused creation left %d entries", n)
		}
	})
	t.Run("422: bad production id", func(t *testing.T) {
		r := ta.call(admin, "POST", "/api/productions", map[string]any{"id": "Not An Id", "name": "X", "timezone": "UTC"})
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid", "id")
	})
	t.Run("403: only admins create productions", func(t *testing.T) {
		r := ta.call(tok["pia"], "POST", "/api/productions", map[string]any{"id": "mine", "name": "Mine", "timezone": "UTC"})
		wantProblem(t, r, http.StatusForbidden, "", "")
	})
	t.Run("200: members list theirs, admins all", func(t *testing.T) {
		for who, want := range map[string]string{"pia": "dry-creek", "admin": "bonanza dry-creek"} {
			var got []string
			var list []map[string]any
			r := ta.call(tok[who], "GET", "/api/productions", nil).must(t, http.StatusOK)
			decode(t, r.body, &list)
			for _, p := range list {
				got = append(got, p["id"].(string))
			}
			if strings.Join(got, " ") != want {
				t.Errorf("%s sees %v, want %s", who, got, want)
			}
		}
	})
	t.Run("403: a member who may not add people is refused, and it is recorded", func(t *testing.T) {
		size := ta.ledgerSize(t, "dry-creek")
		r := ta.call(tok["kim"], "POST", "/api/productions/dry-creek/people", map[string]any{"email": "zed@crew.test", "id": "zed", "name": "Zed", "roles": []string{"crew"}})
		wantProblem(t, r, http.StatusForbidden, "role-required", "")
		if ta.ledgerSize(t, "dry-creek") != size+1 {
			t.Errorf("the refused person.add was not recorded")
		}
	})
	t.Run("201: a producer invites as themself", func(t *testing.T) {
		r := ta.call(tok["pia"], "POST", "/api/productions/dry-creek/people", map[string]any{"email": "zed@crew.test", "id": "zed", "name": "Zed", "roles": []string{"crew"}})
		if body := r.must(t, http.StatusCreated).json(t); body["needs_password"] != true || body["person"] != "zed" {
			t.Errorf("invitation answered %v", body)
		}
	})
	t.Run("409: the account already is a person there", func(t *testing.T) {
		r := ta.call(tok["pia"], "POST", "/api/productions/dry-creek/people", map[string]any{"email": "zed@crew.test", "id": "zed2", "name": "Zed", "roles": []string{"crew"}})
		wantProblem(t, r, http.StatusConflict, "", "email")
	})
	t.Run("422: invitation without an e-mail", func(t *testing.T) {
		r := ta.call(tok["pia"], "POST", "/api/productions/dry-creek/people", map[string]any{"id": "yan", "name": "Yan", "roles": []string{"crew"}})
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid", "email")
	})
	t.Run("422: invitation with a bad role names the field", func(t *testing.T) {
		r := ta.call(tok["pia"], "POST", "/api/productions/dry-creek/people", map[string]any{"email": "yan@crew.test", "id": "yan", "name": "Yan", "roles": []string{"gaffer"}})
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid", "roles")
	})
	t.Run("403: an admin who is not a person there cannot act", func(t *testing.T) {
		r := ta.call(admin, "POST", "/api/productions/dry-creek/actions", map[string]any{"do": "hold.clear"})
		wantProblem(t, r, http.StatusForbidden, "", "")
	})
}
