package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"coldset/internal/rules"
)

// FuzzActionBody posts arbitrary bodies to the action endpoint, as a person on the
// production, a studio admin and a member of another production. Whatever the body,
// the answer is never a 5xx; it is the action's result (200, JSON) or a problem
// document of its own status; and the ledger changes only as the answer says: a
// body refused before the rules (400, 404, 413, 415) records nothing, and what the
// rules decided (200, 409, 422, 403 role-required) is recorded.
func FuzzActionBody(f *testing.F) {
	w := newMatrixWorld(f)
	for _, seed := range []string{
		`{"do":"concern.file","with":{"id":"c-fuzz","category":"other","severity":"low","text":"x"}}`,
		`{"do":"firearm.register","with":{"id":"g","serial":"S","type":"pistol","capability":"non_firing"}}`,
		`{"do":"firearm.handoff","with":{"firearm":"colt-1","to":"kim"}}`,
		`{"do":"concern.file","anonymous":true,"with":{"id":"c-anon","category":"firearms","severity":"critical","text":"x"}}`,
		`{"do":"concern.reopen","anonymous":true,"receipt":"X","with":{"concern":"anon-armorer"}}`,
		`{"do":"hold.clear","receipt":"X"}`,
		`{"do":"hold.clear","with":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		"{\"do\":\"concern.file\",\"with\":{\"text\":\"caf\xe9\"}}",
		`{"do":"hold.clear","as":"sol"}`,
		`{"do":"hold.clear"} {}`,
		`{"do":7}`,
		`[]`,
		``,
		`{"do":"production.create","with":{"id":"dry-creek","name":"x","timezone":"UTC"}}`,
		`{"do":"person.add","with":{"id":"x","name":"X","roles":["armorer","crew"],"training":{"rifle":1e308}}}`,
	} {
		f.Add([]byte(seed), byte(0))
	}
	callers := []*caller{w.callers[0], w.callers[3], w.callers[len(cast)], w.callers[len(cast)+1]} // ana, kim, admin, outsider
	f.Fuzz(func(t *testing.T, body []byte, who byte) {
		w.t = t // the world's helpers report to this input's test, not to f
		c := callers[int(who)%len(callers)]
		req := httptest.NewRequest("POST", "/api/productions/"+matrixProd+"/actions", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		before := w.size()
		rec := w.serve(c, req)
		grew := w.size() - before
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusOK {
			if rec.Header().Get("Content-Type") != "application/json" || !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("200 without a JSON body: %s", rec.Body)
			}
			if grew == 0 {
				t.Fatalf("accepted %q, and nothing was recorded", body)
			}
			return
		}
		var p problem
		if rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil ||
			p.Status != rec.Code || p.Detail == "" {
			t.Fatalf("status %d without its problem document: %s", rec.Code, rec.Body)
		}
		decided := rec.Code == http.StatusConflict || rec.Code == http.StatusUnprocessableEntity ||
			rec.Code == http.StatusForbidden && p.Rule == rules.RoleRequired
		switch {
		case decided && grew == 0:
			t.Fatalf("refused by the rules (%d %s), and the refusal was not recorded", rec.Code, p.Rule)
		case !decided && grew != 0:
			t.Fatalf("refused before the rules (%d: %s), and yet %d entries were recorded", rec.Code, p.Detail, grew)
		}
	})
}
