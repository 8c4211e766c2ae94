package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"coldset/internal/rules"
)

// The rows of the permission matrix (matrix_test.go): every route, what to send, and
// what each caller gets, in the words of RULES.md and the API.

func matrixRows() []matrixRow {
	const base = "/api/productions/" + matrixProd
	const pages = "/productions/" + matrixProd
	rows := []matrixRow{
		{route: "GET /healthz", req: get("/healthz"), want: everyone(200)},
		{route: "GET /readyz", req: get("/readyz"), want: everyone(200)},
		{route: "GET /api/openapi.json", req: get("/api/openapi.json"), want: everyone(200)},
		{route: "POST /api/session", name: "a wrong password", req: sendJSON("POST", "/api/session", func(c *caller) any {
			return map[string]string{"email": c.key + "@matrix.test", "password": "not the password"}
		}), want: everyone(401)},
		{route: "GET /api/session", req: get("/api/session"), want: signedIn(200)},
		{route: "DELETE /api/session", fresh: true, req: sendJSON("DELETE", "/api/session", nil), want: everyone(204)},
		{route: "GET /api/productions", req: get("/api/productions"), want: signedIn(200)},
		{route: "POST /api/productions", req: sendJSON("POST", "/api/productions", func(c *caller) any {
			return map[string]string{"id": "new-" + c.key, "name": "New", "timezone": "UTC"}
		}), want: adminOnly(201)},
		{route: "GET /api/productions/{id}", req: get(base), want: member(200)},
		{route: "POST /api/productions/{id}/people", req: sendJSON("POST", base+"/people", func(c *caller) any {
			return map[string]any{"email": "invited-" + c.key + "@matrix.test", "id": "inv-" + c.key, "name": "Invited", "roles": []string{"crew"}}
		}), want: action(201, roles("producer", "safety_officer"), 201)},
		{route: "GET /api/productions/{id}/contacts", req: get(base + "/contacts"), want: contacts},
		{route: "PUT /api/productions/{id}/contacts", req: sendJSON("PUT", base+"/contacts", func(*caller) any {
			return map[string]any{"contacts": []any{}}
		}), want: contacts},
		{route: "GET /api/productions/{id}/deliveries", req: get(base + "/deliveries"), want: contacts},
		{route: "GET /api/productions/{id}/checkpoint", req: get(base + "/checkpoint"), want: member(200)},
		{route: "GET /api/productions/{id}/entries", req: get(base + "/entries"), want: recordRead(200), shows: allSecrets()},
		{route: "GET /api/productions/{id}/proof/inclusion", req: get(base + "/proof/inclusion?index=0"), want: member(200)},
		{route: "GET /api/productions/{id}/proof/consistency", req: get(base + "/proof/consistency?from=1"), want: member(200)},

		{route: "GET /{$}", req: get("/"), want: home},
		{route: "GET /signin", req: get("/signin"), want: everyone(200)},
		{route: "POST /signin", name: "a wrong password", req: form("/signin", func(c *caller) url.Values {
			return url.Values{"email": {c.key + "@matrix.test"}, "password": {"not the password"}}
		}), want: everyone(401)},
		{route: "POST /signout", fresh: true, req: form("/signout", nil), want: redirect("/signin")},
		// Password links: an unknown link is not found, whoever opens it; the forgot-
		// password form answers everyone alike (the matrix's server mails nothing).
		{route: "GET /password/{token}", name: "an unknown link", req: get("/password/not-a-link"), want: everyone(404)},
		{route: "POST /password/{token}", name: "an unknown link", req: form("/password/not-a-link", func(*caller) url.Values {
			return url.Values{"password": {"a new password"}, "repeat": {"a new password"}}
		}), want: everyone(404)},
		{route: "GET /signin/forgot", req: get("/signin/forgot"), want: everyone(200)},
		{route: "POST /signin/forgot", req: form("/signin/forgot", func(c *caller) url.Values {
			return url.Values{"email": {c.key + "@matrix.test"}}
		}), want: everyone(200)},
		// API tokens: each account sees and revokes only its own.
		{route: "GET /api/tokens", req: get("/api/tokens"), want: signedIn(200)},
		{route: "DELETE /api/tokens/{id}", name: "a token that is not the caller's", req: sendJSON("DELETE", "/api/tokens/0123456789abcdef", nil), want: signedIn(404)},
		// Anonymous reporting: no session is read, so every caller gets the same.
		{route: "GET /report/{id}", req: get("/report/" + matrixProd), want: everyone(200)},
		{route: "POST /report/{id}", req: form("/report/"+matrixProd, func(*caller) url.Values {
			return url.Values{"category": {"fatigue"}, "severity": {"low"}, "text": {"no meal break"}}
		}), want: everyone(200)},
		{route: "GET /receipt", req: get("/receipt"), want: everyone(200)},
		{route: "POST /receipt", name: "the caller's receipt code", req: form("/receipt", func(c *caller) url.Values {
			return url.Values{"production": {matrixProd}, "code": {c.receipt}}
		}), want: everyone(200)},
		{route: "POST /api/productions/{id}/concerns/anonymous", req: sendJSON("POST", base+"/concerns/anonymous", func(*caller) any {
			return map[string]string{"category": "fatigue", "severity": "low", "text": "no meal break"}
		}), want: everyone(201)},
		{route: "POST /api/receipt", req: sendJSON("POST", "/api/receipt", receiptBody), want: everyone(200)},
		{route: "POST /api/receipt/reply", req: sendJSON("POST", "/api/receipt/reply", func(c *caller) any {
			return map[string]string{"production": matrixProd, "receipt": c.receipt, "text": "still happening"}
		}), want: everyone(201)},
		// The concern is open: reopening is refused as invalid, and recorded (without
		// identity), whoever sends the code.
		{route: "POST /api/receipt/reopen", req: sendJSON("POST", "/api/receipt/reopen", receiptBody), want: func(*caller) want {
			return want{status: 422, rule: rules.Invalid, grows: true}
		}},
		{route: "GET /productions/{id}/report-poster", req: get(pages + "/report-poster"), want: page},
		{route: "GET /productions/{id}/report-poster/qr", req: get(pages + "/report-poster/qr"), want: page},
		{route: "GET /assets/", req: get("/assets/app.css"), want: everyone(200)},
		{route: "GET /productions/{id}", req: get(pages), want: page},
		{route: "GET /productions/{id}/armory", req: get(pages + "/armory"), want: page},
		{route: "GET /productions/{id}/firearms/{item}", req: get(pages + "/firearms/colt-1"), want: page},
		{route: "GET /productions/{id}/lots/{item}", req: get(pages + "/lots/dummies-1"), want: page},
		{route: "GET /productions/{id}/labels", req: get(pages + "/labels"), want: page},
		{route: "GET /productions/{id}/qr/{kind}/{item}", req: get(pages + "/qr/firearm/colt-1"), want: page},
		{route: "GET /productions/{id}/day", req: get(pages + "/day"), want: page},
		{route: "GET /productions/{id}/concerns", req: get(pages + "/concerns"), want: page},
		{route: "GET /productions/{id}/concerns/{item}", req: get(pages + "/concerns/ack-crew"), want: page},
		{route: "GET /productions/{id}/concerns/{item}", name: "a concern with a reply", req: get(pages + "/concerns/words-1"), want: page,
			shows: []string{secretConcern, secretReply}},
		{route: "GET /productions/{id}/concerns/{item}", name: "a dismissed concern", req: get(pages + "/concerns/gone-1"), want: page,
			shows: []string{secretDismissal}},
		{route: "GET /productions/{id}/concerns/{item}", name: "an anonymous concern", req: get(pages + "/concerns/anon-crew"), want: page,
			shows: []string{secretAnonReply}},
		{route: "GET /productions/{id}/safety", req: get(pages + "/safety"), want: page},
		{route: "GET /productions/{id}/events", req: stream(pages + "/events"), want: page},
		{route: "GET /productions/{id}/investigation", req: get(pages + "/investigation"), want: reportPage},
		{route: "GET /productions/{id}/daily", req: get(pages + "/daily?date=2026-03-02"), want: reportPage},
		{route: "GET /admin", req: get("/admin"), want: adminPage},
		{route: "POST /admin/productions", req: form("/admin/productions", func(c *caller) url.Values {
			return url.Values{"id": {"page-" + c.key}, "name": {"New"}, "timezone": {"UTC"}}
		}), want: createPage},
		{route: "GET /productions/{id}/people", req: get(pages + "/people"), want: page},
		{route: "GET /productions/{id}/people/{item}", req: get(pages + "/people/kim"), want: page, shows: []string{secretDenial}},
		{route: "GET /productions/{id}/training", req: get(pages + "/training"), want: page, shows: []string{secretDenial}},
		{route: "POST /productions/{id}/invite", req: form(pages+"/invite", func(c *caller) url.Values {
			return url.Values{"s:email": {"page-" + c.key + "@matrix.test"}, "s:id": {"page-" + c.key}, "s:name": {"Invited"}, "l:roles": {"crew"}}
		}), want: invitePage},
		{route: "POST /productions/{id}/do", name: "hold.clear", req: form(pages+"/do", func(*caller) url.Values {
			return url.Values{"do": {"hold.clear"}}
		}), want: formAction(roles("safety_officer"))},
		{route: "POST /productions/{id}/do", name: "training.record", req: form(pages+"/do", func(*caller) url.Values {
			return url.Values{"do": {"training.record"}, "s:person": {"kim"}, "s:type": {"revolver"}, "n:hours": {"1"}}
		}), want: formAction(roles("armorer", "safety_officer"))},
	}
	return append(rows, actionRows(base+"/actions")...)
}

// actionRows are the actions API's rows: one action of each line of RULES.md's
// permission table that a person can be refused, and two that anyone may do.
func actionRows(path string) []matrixRow {
	grip := func(c *caller) bool { return c.can("producer", "safety_officer") || c.person == "hal" }
	acts := []struct {
		do      string
		with    func(c *caller) map[string]any
		allowed func(c *caller) bool
	}{
		{"person.add", func(c *caller) map[string]any {
			return map[string]any{"id": "new-" + c.key, "name": "New", "roles": []string{"crew"}}
		}, roles("producer", "safety_officer")},
		{"certification.record", func(*caller) map[string]any {
			return map[string]any{"person": "ana", "kind": "armorer", "until": "2099-12-31"}
		}, roles("producer", "safety_officer")},
		{"training.record", func(*caller) map[string]any {
			return map[string]any{"person": "kim", "type": "revolver", "hours": 1}
		}, roles("armorer", "safety_officer")},
		{"firearm.register", func(c *caller) map[string]any {
			return map[string]any{"id": "gun-" + c.key, "serial": "S-" + c.key, "type": "pistol", "capability": "non_firing"}
		}, roles("armorer")},
		{"safety_meeting.hold", func(*caller) map[string]any {
			return map[string]any{"attendees": []string{"ana", "kim"}}
		}, roles("first_ad", "armorer")},
		{"scene.plan", func(*caller) map[string]any {
			return map[string]any{"scene": "12", "firearms": []string{"prop-1"}, "toward": "none"}
		}, roles("first_ad")},
		{"concern.ack", func(c *caller) map[string]any {
			return map[string]any{"concern": "ack-" + c.key}
		}, grip},
		{"incident.close", func(c *caller) map[string]any {
			return map[string]any{"incident": "inc-" + c.key, "findings": "the stand was not sandbagged", "actions": "sandbag every stand"}
		}, roles("safety_officer")},
		{"hold.clear", func(*caller) map[string]any { return map[string]any{} }, roles("safety_officer")},
		{"concern.file", func(c *caller) map[string]any {
			return map[string]any{"id": "c-" + c.key, "category": "other", "severity": "low", "text": "the call sheet came late"}
		}, func(*caller) bool { return true }},
		{"incident.report", func(c *caller) map[string]any {
			return map[string]any{"id": "r-" + c.key, "kind": "near-miss", "text": "a cable across the walkway"}
		}, func(*caller) bool { return true }},
	}
	var rows []matrixRow
	for _, a := range acts {
		rows = append(rows, matrixRow{
			route: "POST /api/productions/{id}/actions", name: a.do,
			req: sendJSON("POST", path, func(c *caller) any {
				return map[string]any{"do": a.do, "with": a.with(c)}
			}),
			// A studio admin who is no person on the production may not act on it.
			want: action(200, a.allowed, 403),
		})
	}
	return rows
}

// receiptBody asks after the caller's anonymous concern by its receipt code.
func receiptBody(c *caller) any {
	return map[string]string{"production": matrixProd, "receipt": c.receipt}
}

// roles allows the people who hold one of the roles.
func roles(rs ...string) func(c *caller) bool {
	return func(c *caller) bool { return c.can(rs...) }
}

func everyone(status int) func(*caller) want {
	return func(*caller) want { return want{status: status} }
}

// signedIn: any account gets ok; no session or an expired one, 401.
func signedIn(ok int) func(*caller) want {
	return func(c *caller) want {
		if c.kind == kindNoSession || c.kind == kindExpired {
			return want{status: 401}
		}
		return want{status: ok}
	}
}

// member: dry-creek's people and studio admins get ok; another production's member
// 404, as if it did not exist.
func member(ok int) func(*caller) want {
	return func(c *caller) want {
		switch c.kind {
		case kindPerson, kindAdmin:
			return want{status: ok}
		case kindOutsider:
			return want{status: 404}
		}
		return want{status: 401}
	}
}

// recordRead: the whole record is read by the producers, the safety officer and the
// investigator (rules.ReadRecord); any other person on the production, and a studio
// admin, is refused (403); anyone else as for member.
func recordRead(ok int) func(*caller) want {
	return func(c *caller) want {
		switch {
		case c.kind == kindPerson && c.can("producer", "safety_officer", "investigator"):
			return want{status: ok}
		case c.kind == kindPerson, c.kind == kindAdmin:
			return want{status: 403}
		}
		return member(ok)(c)
	}
}

// allSecrets is every guarded word of the fixture.
func allSecrets() []string {
	var out []string
	for _, s := range matrixSecrets {
		out = append(out, s.text)
	}
	return out
}

func adminOnly(ok int) func(*caller) want {
	return func(c *caller) want {
		switch c.kind {
		case kindAdmin:
			return want{status: ok}
		case kindPerson, kindOutsider:
			return want{status: 403}
		}
		return want{status: 401}
	}
}

// action: a person allowed gets ok; any other person 403 role-required, recorded; a
// studio admin admin (acting as the deployment, or refused as no person).
func action(ok int, allowed func(*caller) bool, admin int) func(*caller) want {
	return func(c *caller) want {
		switch {
		case c.kind == kindPerson && allowed(c):
			return want{status: ok}
		case c.kind == kindPerson:
			return want{status: 403, rule: rules.RoleRequired, refusal: true}
		case c.kind == kindAdmin:
			return want{status: admin, same: admin >= 400}
		}
		return member(0)(c)
	}
}

// contacts: who is told of escalations is set by the safety officer, producers and
// studio admins. A refusal here is 403 role-required but not a ledger entry: the
// contact list is the deployment's configuration, not an action on the record.
func contacts(c *caller) want {
	if c.kind == kindPerson && !c.can("producer", "safety_officer") {
		return want{status: 403, rule: rules.RoleRequired}
	}
	return member(200)(c)
}

// page: a production's page is shown to its people and studio admins; a caller
// without a session is sent to sign in; another production's member gets "not here".
func page(c *caller) want {
	switch c.kind {
	case kindPerson, kindAdmin:
		return want{status: 200}
	case kindOutsider:
		return want{status: 404}
	}
	return want{status: 303, location: "/signin"}
}

// reportPage: the investigation and daily reports are read by the investigator, the
// safety officer and the producers; other people and studio admins are refused.
func reportPage(c *caller) want {
	switch {
	case c.kind == kindPerson && c.can("investigator", "safety_officer", "producer"):
		return want{status: 200}
	case c.kind == kindPerson, c.kind == kindAdmin:
		return want{status: 403}
	}
	return page(c)
}

// home: a person on one production goes straight to it; an admin sees the list.
func home(c *caller) want {
	switch c.kind {
	case kindPerson:
		return want{status: 303, location: "/productions/" + matrixProd}
	case kindOutsider:
		return want{status: 303, location: "/productions/" + otherProd}
	case kindAdmin:
		return want{status: 200}
	}
	return want{status: 303, location: "/signin"}
}

func redirect(to string) func(*caller) want {
	return func(*caller) want { return want{status: 303, location: to} }
}

// formAction: a page's form redirects back with its outcome; a person not allowed is
// refused with role-required, recorded; a studio admin is told they are no person on
// the production, and nothing is recorded.
func formAction(allowed func(*caller) bool) func(*caller) want {
	return func(c *caller) want {
		switch {
		case c.kind == kindPerson:
			return want{status: 303, location: "/productions/" + matrixProd, refusal: !allowed(c)}
		case c.kind == kindAdmin:
			return want{status: 303, same: true}
		case c.kind == kindOutsider:
			return want{status: 404}
		}
		return want{status: 401}
	}
}

func get(path string) func(*caller) *http.Request {
	return func(*caller) *http.Request { return httptest.NewRequest("GET", path, nil) }
}

// stream is a GET of an event stream, which runs until the client leaves: it leaves
// after a moment.
func stream(path string) func(*caller) *http.Request {
	return func(*caller) *http.Request {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		time.AfterFunc(time.Second, cancel)
		return httptest.NewRequestWithContext(ctx, "GET", path, nil)
	}
}

func sendJSON(method, path string, body func(c *caller) any) func(*caller) *http.Request {
	return func(c *caller) *http.Request {
		if body == nil {
			return httptest.NewRequest(method, path, nil)
		}
		data, err := json.Marshal(body(c))
		if err != nil {
			panic(err)
		}
		req := httptest.NewRequest(method, path, strings.NewReader(string(data)))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
}

// form posts a page's form with the caller's CSRF token.
func form(path string, fields func(c *caller) url.Values) func(*caller) *http.Request {
	return func(c *caller) *http.Request {
		v := url.Values{}
		if fields != nil {
			v = fields(c)
		}
		v.Set("csrf", c.csrf())
		req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
}
