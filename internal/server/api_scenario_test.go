package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"coldset/internal/auth"
	"coldset/internal/scenario"
)

// TestScenarioOverHTTP plays the shared scenarios and the project's own through the
// API, one account per person, and checks that every step has the outcome and rule
// `coldset replay` gives it (and, for accepted actions, the same holds and risk).
func TestScenarioOverHTTP(t *testing.T) {
	files, err := filepath.Glob("../../testdata/scenarios/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The shared scenarios sit beside a checkout of the project: played where they are.
	for _, shared := range []string{"../../../shared/scenarios/clean-day.yaml", "../../../shared/scenarios/western-2021.yaml"} {
		if _, err := os.Stat(shared); err == nil {
			files = append([]string{shared}, files...)
		} else {
			t.Logf("%s is not here: played without it", shared)
		}
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			f, err := scenario.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := scenario.Replay(context.Background(), f, scenario.Options{})
			if err != nil {
				t.Fatalf("replay: %v", err)
			}
			got := replayOverHTTP(t, f)
			if len(got) != len(want) {
				t.Fatalf("%d steps over HTTP, %d in replay", len(got), len(want))
			}
			for i, w := range want {
				g := got[i]
				if g.Outcome != w.Outcome || g.Rule != w.Rule {
					t.Errorf("%s: over HTTP %s %s, replay %s %s", w.Describe(), g.Outcome, g.Rule, w.Outcome, w.Rule)
				}
				if g.Outcome == "ok" && w.Do != "" && (g.Risk != w.Risk || !slices.Equal(g.Holds, w.Holds)) {
					t.Errorf("%s: over HTTP risk %s holds %v, replay risk %s holds %v", w.Describe(), g.Risk, g.Holds, w.Risk, w.Holds)
				}
			}
		})
	}
}

// httpStep is what one scenario step answered over HTTP.
type httpStep struct {
	Outcome, Rule, Risk string
	Holds               []string
}

// replayOverHTTP creates f's production as a studio admin, invites the header's
// people, and plays every step as the step's person at the step's time.
func replayOverHTTP(t *testing.T, f *scenario.File) []httpStep {
	ta := newTestAPI(t)
	ta.setClock(f.Start)
	admin := ta.account("admin@studio.test", true)
	create := map[string]any{"id": f.Production.ID, "name": f.Production.Name, "timezone": f.Production.Timezone}
	if f.Config != nil {
		create["config"] = f.Config
	}
	ta.call(admin, "POST", "/api/productions", create).must(t, http.StatusCreated)
	base := "/api/productions/" + f.Production.ID
	for _, raw := range f.People {
		var person map[string]any
		decode(t, raw, &person)
		person["email"] = person["id"].(string) + "@crew.test"
		ta.call(admin, "POST", base+"/people", person).must(t, http.StatusCreated)
	}

	tokens := map[string]string{}
	receipts := map[string]string{}
	var out []httpStep
	for _, s := range f.Steps {
		ta.setClock(s.Time)
		if s.Do == "" {
			// Reading the production ticks it to the server clock.
			ta.call(admin, "GET", base, nil).must(t, http.StatusOK)
			out = append(out, httpStep{Outcome: "ok"})
			continue
		}
		req := map[string]any{"do": s.Do, "with": s.With}
		as := s.As
		var ids struct{ ID, Concern string }
		json.Unmarshal(s.With, &ids)
		if s.As == scenario.Anonymous {
			// Anyone on the production may send it; nothing of them is recorded.
			as, req["anonymous"] = "admin", true
			if s.Do == "concern.reopen" {
				req["receipt"] = receipts[ids.Concern]
			}
		}
		tok := tokens[as]
		switch {
		case as == "admin":
			tok = admin
		case tok == "":
			tok = ta.member(f.Production.ID, as)
			tokens[as] = tok
		}
		r := ta.call(tok, "POST", base+"/actions", req)
		var body struct {
			Outcome string
			Rule    string
			Receipt string
			State   struct {
				Risk  struct{ Level string }
				Holds []string
			}
		}
		decode(t, r.body, &body)
		switch r.status {
		case http.StatusOK:
			out = append(out, httpStep{Outcome: body.Outcome, Risk: body.State.Risk.Level, Holds: body.State.Holds})
		case http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity:
			out = append(out, httpStep{Outcome: "refused", Rule: body.Rule})
		default:
			t.Fatalf("step line %d: status %d: %s", s.Line, r.status, r.body)
		}
		if body.Receipt != "" {
			receipts[ids.ID] = body.Receipt
		}
	}
	return out
}

// member returns a token for the account acting as person on production, making the
// account and its membership as `coldset user add` and `user grant` would, for people
// a step added (their invitation is not part of the scenario).
func (ta *testAPI) member(production, person string) string {
	ta.t.Helper()
	ctx := context.Background()
	a, err := ta.accounts.AccountByEmail(ctx, person+"@crew.test")
	if err != nil {
		if a, _, err = auth.Invite(ctx, ta.accounts, person+"@crew.test"); err != nil {
			ta.t.Fatal(err)
		}
		if err := ta.accounts.Grant(ctx, auth.Membership{Account: a.ID, Production: production, Person: person}); err != nil {
			ta.t.Fatal(err)
		}
	}
	return ta.token(a)
}
