package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"coldset/internal/rules"
)

// postPage posts a form and returns the answer with its page.
func (wc *webClient) postPage(path string, form url.Values) (*http.Response, string) {
	wc.t.Helper()
	resp, err := wc.c.PostForm(wc.url+path, form)
	if err != nil {
		wc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// pageHas fails the test unless page contains every one of want.
func pageHas(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestRoleIDsAreTheRules checks that the roles and training types the forms offer are
// the ones the rules take, so no form offers a choice bound to be refused.
func TestRoleIDsAreTheRules(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	st := rules.New()
	apply := func(by rules.Actor, do string, with any) rules.Result {
		t.Helper()
		body, _ := json.Marshal(with)
		evs := st.Decide(by, rules.Command{Do: do, With: body}, now)
		for _, e := range evs {
			if err := st.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return rules.Summarize(evs)
	}
	apply(rules.Actor{}, "production.create", map[string]string{"id": "p", "name": "P", "timezone": "UTC"})
	for _, role := range roleIDs {
		if res := apply(rules.Actor{}, "person.add", map[string]any{"id": "p-" + strings.ReplaceAll(role, "_", "-"), "name": role, "roles": []string{role}}); res.Outcome == rules.Refused {
			t.Errorf("role %s: refused: %s", role, res.Message)
		}
	}
	for _, typ := range trainingTypes {
		if res := apply(rules.Actor{Person: "p-safety-officer"}, "training.record", map[string]any{"person": "p-actor", "type": typ, "hours": 1}); res.Outcome == rules.Refused {
			t.Errorf("training type %s: refused: %s", typ, res.Message)
		}
	}
}

func TestFormWithEmptyList(t *testing.T) {
	got, _ := json.Marshal(formWith(url.Values{"s:person": {"kim"}, "e:roles": {"1"}}))
	if string(got) != `{"person":"kim","roles":[]}` {
		t.Errorf("got %s: e:roles must send an empty list", got)
	}
	got, _ = json.Marshal(formWith(url.Values{"l:roles": {"actor"}, "e:roles": {"1"}}))
	if string(got) != `{"roles":["actor"]}` {
		t.Errorf("got %s", got)
	}
}

// TestWebAdminAndPeople drives the admin and people pages over HTTP: who may open
// them, a production created and a person invited through the forms, a refusal in
// words with the form kept, and a person taken off the production and back.
func TestWebAdminAndPeople(t *testing.T) {
	admin := newWebClient(t)
	token := admin.signIn("admin")

	t.Run("the admin page lists the productions and creates one", func(t *testing.T) {
		resp, page := admin.get("/admin")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		pageHas(t, "admin page", page, "Dry Creek", `action="/admin/productions"`, `name="csrf"`)

		resp, page = admin.postPage("/admin/productions", url.Values{"csrf": {token}, "id": {"Bad Id"}, "name": {"High Mesa"}, "timezone": {"America/Denver"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a bad id: status %d, want 422", resp.StatusCode)
		}
		pageHas(t, "the refused form", page, "Not done: check id", "lowercase letters, digits and dashes", `value="High Mesa"`)

		resp, _ = admin.postPage("/admin/productions", url.Values{"csrf": {token}, "id": {"high-mesa"}, "name": {"High Mesa"}, "timezone": {"America/Denver"}, "armorer_dual_role": {"refuse"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/productions/high-mesa/people" {
			t.Fatalf("create: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page = admin.get("/productions/high-mesa/people")
		pageHas(t, "the new production's people page", page, "Production High Mesa created.", "Invite a person")

		resp, page = admin.postPage("/admin/productions", url.Values{"csrf": {token}, "id": {"high-mesa"}, "name": {"Again"}, "timezone": {"UTC"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("the same id again: status %d, want 409", resp.StatusCode)
		}
		pageHas(t, "the second creation", page, "exists already")
	})

	t.Run("the admin invites the production's first people", func(t *testing.T) {
		resp, page := admin.postPage("/productions/high-mesa/invite", url.Values{"csrf": {token},
			"s:name": {"Lou Grant"}, "s:email": {"lou@high-mesa.test"}, "l:roles": {"producer"}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("invite: status %d: %s", resp.StatusCode, page)
		}
		pageHas(t, "the invitation", page, "Person added to the production.", "Lou Grant", "lou@high-mesa.test", `<span class="rule-id">lou</span>`, "producer",
			"Their link to set a password", admin.url+"/password/", `href="mailto:lou@high-mesa.test?subject=Your%20sign-in%20for%20High%20Mesa&amp;body=`)
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the page with the link may be cached: Cache-Control %q", resp.Header.Get("Cache-Control"))
		}
		link := regexp.MustCompile(`/password/[^<"]+`).FindString(page)
		if resp, _ := newWebClientOn(t, admin).get(link); resp.StatusCode != http.StatusOK {
			t.Errorf("Lou's link %s: status %d", link, resp.StatusCode)
		}
		// An account that has a password of its own is given no link: that would be
		// a reset its owner did not ask for.
		_, page = admin.postPage("/productions/high-mesa/invite", url.Values{"csrf": {token},
			"s:name": {"Dan Cole"}, "s:email": {"dan@dry-creek.test"}, "l:roles": {"crew"}})
		pageHas(t, "dan's invitation", page, "Person added to the production.", "already has an account")
		if strings.Contains(page, "/password/") {
			t.Error("an account with a password is given a link to set it")
		}
		// The production refuses an armorer with another job: the rule, in words.
		resp, page = admin.postPage("/productions/high-mesa/invite", url.Values{"csrf": {token},
			"s:name": {"Ari Dell"}, "s:email": {"ari@high-mesa.test"}, "l:roles": {"armorer", "actor"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("a dual role: status %d, want 409", resp.StatusCode)
		}
		pageHas(t, "the refused invitation", page, "Not done:", "The rule:", rules.ArmorerDualRole, `value="Ari Dell"`, `value="actor" checked`)
	})

	t.Run("a person whose roles may not add people is refused in words", func(t *testing.T) {
		kim := newWebClientOn(t, admin)
		kt := kim.signIn("kim")
		resp, page := kim.postPage("/productions/dry-creek/invite", url.Values{"csrf": {kt},
			"s:name": {"Zed"}, "s:email": {"zed@dry-creek.test"}, "l:roles": {"crew"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
		pageHas(t, "kim's refused invitation", page, "Not done: this is not yours to do", rules.Explain(rules.RoleRequired), "Only a producer or a safety officer may do person.add")
		if resp, _ := kim.get("/admin"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("kim opens the admin page: status %d, want 403", resp.StatusCode)
		}
		resp, _ = kim.postPage("/admin/productions", url.Values{"csrf": {kt}, "id": {"kims"}, "name": {"Kim's"}, "timezone": {"UTC"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("kim creates a production: status %d, want 403", resp.StatusCode)
		}
		_, page = kim.get("/productions/dry-creek/people")
		if strings.Contains(page, `action="/productions/dry-creek/invite"`) {
			t.Error("kim is offered the invite form")
		}
	})

	t.Run("a producer finds their productions on the admin page", func(t *testing.T) {
		pia := newWebClientOn(t, admin)
		pia.signIn("pia")
		resp, page := pia.get("/admin")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		pageHas(t, "pia's admin page", page, "Your productions", "Dry Creek")
		if strings.Contains(page, "High Mesa") || strings.Contains(page, "Create a production") {
			t.Error("pia sees a production she is not on, or the create form")
		}
	})

	t.Run("a person taken off the production and given a role again", func(t *testing.T) {
		sol := newWebClientOn(t, admin)
		st := sol.signIn("sol")
		back := "/productions/dry-creek/people/raf"
		resp := sol.post("/productions/dry-creek/do", url.Values{"csrf": {st}, "back": {back}, "do": {"person.roles"}, "s:person": {"raf"}, "e:roles": {"1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != back {
			t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page := sol.get(back)
		pageHas(t, "raf's page", page, "Roles recorded.", "No longer on the production", "Taken off the production")
		if !strings.Contains(page, `name="do" value="person.add"`) {
			t.Error("raf's page does not offer to add him again")
		}
		sol.post("/productions/dry-creek/do", url.Values{"csrf": {st}, "back": {back}, "do": {"person.add"}, "s:id": {"raf"}, "s:name": {"Raf Ortiz"}, "l:roles": {"camera"}})
		sol.post("/productions/dry-creek/do", url.Values{"csrf": {st}, "back": {back}, "do": {"person.roles"}, "s:person": {"raf"}, "l:roles": {"camera", "crew"}, "e:roles": {"1"}})
		_, page = sol.get(back)
		pageHas(t, "raf's page", page, "Roles recorded.", "camera, crew", "Roles changed", "Added to the production")
		if t.Failed() {
			t.Log(page)
		}
	})
}

// newWebClientOn is a second browser on the same server as wc.
func newWebClientOn(t *testing.T, wc *webClient) *webClient {
	t.Helper()
	other := *wc
	other.t = t
	c := *wc.c
	c.Jar, _ = cookiejar.New(nil)
	other.c = &c
	return &other
}

// adminPage: the admin page is for studio admins, and for the producers and safety
// officers of a production; anyone else signed in is refused, and a caller without a
// session is sent to sign in.
func adminPage(c *caller) want {
	switch {
	case c.kind == kindAdmin, c.kind == kindPerson && c.can("producer", "safety_officer"):
		return want{status: 200}
	case c.kind == kindPerson, c.kind == kindOutsider:
		return want{status: 403}
	}
	return want{status: 303, location: "/signin"}
}

// createPage: only a studio admin creates a production; it then goes to its people.
func createPage(c *caller) want {
	switch c.kind {
	case kindAdmin:
		return want{status: 303, location: "/productions/page-" + c.key + "/people"}
	case kindPerson, kindOutsider:
		return want{status: 403}
	}
	return want{status: 401}
}

// invitePage: a producer or safety officer invites as themselves, a studio admin as
// the deployment; anyone else on the production is refused with role-required,
// recorded, and shown the rule.
func invitePage(c *caller) want {
	switch {
	case c.kind == kindPerson && c.can("producer", "safety_officer"), c.kind == kindAdmin:
		return want{status: 200}
	case c.kind == kindPerson:
		return want{status: 403, refusal: true}
	case c.kind == kindOutsider:
		return want{status: 404}
	}
	return want{status: 401}
}
