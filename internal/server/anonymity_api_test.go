package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"coldset/internal/demo"
	"coldset/internal/rules"
)

// anonClient sends requests from the reporter's address, marked as the probe: a
// distinctive user agent and forwarding headers, and the cookies of a signed-in
// browser, all of which must leave no trace.
type anonClient struct {
	t       *testing.T
	env     *anonEnv
	c       *http.Client
	cookies []*http.Cookie
}

func (env *anonEnv) reporter(cookies ...*http.Cookie) *anonClient {
	tr := &http.Transport{DialContext: reporterDialer().DialContext}
	env.t.Cleanup(tr.CloseIdleConnections)
	return &anonClient{t: env.t, env: env, c: &http.Client{Transport: tr}, cookies: cookies}
}

// post sends body as JSON and returns the answer; it fails the test when the answer
// sets a cookie.
func (a *anonClient) post(path string, body any) reply {
	a.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", a.env.url+path, bytes.NewReader(data))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", probeAgent)
	req.Header.Set("X-Forwarded-For", probeForwarded)
	req.Header.Set("Forwarded", "for="+probeForwarded)
	req.Header.Set("X-Real-IP", probeForwarded)
	for _, c := range a.cookies {
		req.AddCookie(c)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) > 0 {
		a.t.Errorf("POST %s sets cookies %v", path, sc)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: out}
}

// staff acts as a demo person through the actions API, signed in with a session.
func (env *anonEnv) session(person string) *http.Cookie {
	env.t.Helper()
	data, _ := json.Marshal(map[string]string{"email": demo.Email(person), "password": demo.Password(person)})
	resp, err := http.Post(env.url+"/api/session", "application/json", bytes.NewReader(data))
	if err != nil {
		env.t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	env.t.Fatalf("sign-in of %s: %s, no session cookie", person, resp.Status)
	return nil
}

func (env *anonEnv) act(session *http.Cookie, do string, with map[string]any) reply {
	env.t.Helper()
	data, _ := json.Marshal(map[string]any{"do": do, "with": with})
	req, _ := http.NewRequest("POST", env.url+"/api/productions/dry-creek/actions", bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

type receiptAnswer struct {
	Concern struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Level  int    `json:"level"`
	} `json:"concern"`
	Text   string       `json:"text"`
	Thread []threadJSON `json:"thread"`
}

func (r receiptAnswer) has(typ, from, text string) bool {
	for _, s := range r.Thread {
		if s.Type == typ && s.From == from && strings.Contains(s.Text, text) {
			return true
		}
	}
	return false
}

// TestAnonymityAPI: a concern filed through the API twin by a signed-in crew member's
// client, sent from a distinctive address with a distinctive agent and forwarding
// headers, is followed, answered and reopened by its receipt code, and afterwards
// nothing of the sender is in the database, its write-ahead log, the ledger or the
// logs: not the address, not the agent, not the cookies, not the receipt code.
func TestAnonymityAPI(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	kim, sol := env.session("kim"), env.session("sol")
	csrf := &http.Cookie{Name: csrfCookie, Value: "pre-session-probe-5d1e0b7a"}
	rep := env.reporter(kim, csrf)
	const words = "api-marker: the rigging over stage 2 has a frayed sling"

	filed := rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "equipment", "severity": "high", "text": words}).must(t, http.StatusCreated)
	var got anonymousConcernResponse
	decode(t, filed.body, &got)
	if len(canonicalReceipt(got.Receipt)) != rules.ReceiptLength || strings.Count(got.Receipt, "-") != rules.ReceiptLength/4-1 {
		t.Fatalf("receipt %q: want %d characters in groups of four", got.Receipt, rules.ReceiptLength)
	}

	// The reporter reads it, with the code as a person might type it back.
	typed := strings.ToLower(strings.ReplaceAll(got.Receipt, "-", " "))
	var view receiptAnswer
	decode(t, rep.post("/api/receipt", map[string]string{"production": "dry-creek", "receipt": typed}).must(t, http.StatusOK).body, &view)
	if view.Concern.ID != got.Concern || view.Text != words || view.Concern.Status != "open" {
		t.Fatalf("read by receipt: %+v", view)
	}

	// The safety officer answers on the concern; the reporter reads it and answers back.
	env.advance(10 * time.Minute)
	env.act(sol, "concern.ack", map[string]any{"concern": got.Concern, "note": "looking at it now"}).must(t, http.StatusOK)
	env.act(sol, "concern.reply", map[string]any{"concern": got.Concern, "text": "which sling: upstage or downstage?"}).must(t, http.StatusOK)
	decode(t, rep.post("/api/receipt", map[string]string{"production": "dry-creek", "receipt": got.Receipt}).must(t, http.StatusOK).body, &view)
	if !view.has("concern.ack", "staff", "looking at it now") || !view.has("concern.reply", "staff", "upstage or downstage") {
		t.Errorf("the reporter does not read the staff's answers: %+v", view.Thread)
	}
	decode(t, rep.post("/api/receipt/reply", map[string]string{"production": "dry-creek", "receipt": got.Receipt, "text": "upstage, above the armory cart"}).must(t, http.StatusCreated).body, &view)
	if !view.has("concern.reply", "reporter", "above the armory cart") {
		t.Errorf("the reporter's answer is not on the thread: %+v", view.Thread)
	}
	for _, s := range view.Thread {
		if s.From == "reporter" && s.By != "" {
			t.Errorf("the reporter's answer is signed %q", s.By)
		}
	}
	rep.post("/api/receipt/reply", map[string]string{"production": "dry-creek", "receipt": got.Receipt, "text": " "}).must(t, http.StatusUnprocessableEntity)

	// Resolved; the reporter reopens it once, and not twice.
	env.act(sol, "concern.resolve", map[string]any{"concern": got.Concern, "action": "sling replaced and rig re-inspected"}).must(t, http.StatusOK)
	rep.post("/api/receipt/reopen", map[string]string{"production": "dry-creek", "receipt": "WRONG-CODE"}).must(t, http.StatusNotFound)
	decode(t, rep.post("/api/receipt/reopen", map[string]string{"production": "dry-creek", "receipt": got.Receipt}).must(t, http.StatusOK).body, &view)
	if view.Concern.Status != "open" || view.Concern.Level != 1 {
		t.Errorf("after reopening: %s at level %d, want open at level 1", view.Concern.Status, view.Concern.Level)
	}
	env.act(sol, "concern.resolve", map[string]any{"concern": got.Concern, "action": "all slings replaced"}).must(t, http.StatusOK)
	rep.post("/api/receipt/reopen", map[string]string{"production": "dry-creek", "receipt": got.Receipt}).must(t, http.StatusUnprocessableEntity)

	// Malformed filings are refused naming the field; the anonymous API needs no session.
	refused := rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "lighting", "severity": "high", "text": "x"}).must(t, http.StatusUnprocessableEntity)
	if p := refused.json(t); p["field"] != "category" {
		t.Errorf("refusal names field %v, want category", p["field"])
	}
	env.reporter().post("/api/productions/nowhere/concerns/anonymous", map[string]string{"category": "other", "severity": "low", "text": "x"}).must(t, http.StatusNotFound)

	if !env.probed() {
		t.Fatal("no request reached the server with the probe's marks")
	}
	env.anonymousEntries(got.Concern)
	secrets := append(env.reporterPeers(), reporterIP, probeAgent, probeForwarded, kim.Value, csrf.Value, got.Receipt, canonicalReceipt(got.Receipt))
	env.nowhere(words, secrets...)
}

// TestReceiptGuessingLimited: wrong receipt codes are limited per production and for
// the whole server, whoever sends them; while a limit holds every lookup it covers
// is refused (429, with Retry-After and words that say so), and once it refills the
// right code works again. Right codes cost nothing.
func TestReceiptGuessingLimited(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	rep := env.reporter()
	var filed anonymousConcernResponse
	decode(t, rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "fatigue", "severity": "low", "text": "fourteen-hour days all week"}).must(t, http.StatusCreated).body, &filed)
	right := map[string]string{"production": "dry-creek", "receipt": filed.Receipt}
	wrong := func(prod string) map[string]string {
		return map[string]string{"production": prod, "receipt": "AAAA-BBBB-CCCC"}
	}

	for range 2 * receiptGlobalBurst {
		rep.post("/api/receipt", right).must(t, http.StatusOK) // right codes are free
	}
	for i := range receiptProductionBurst {
		if r := rep.post("/api/receipt", wrong("dry-creek")); r.status != http.StatusNotFound {
			t.Fatalf("wrong code %d on dry-creek: %d, want 404", i+1, r.status)
		}
	}
	paused := rep.post("/api/receipt", wrong("dry-creek")).must(t, http.StatusTooManyRequests)
	if p := paused.json(t); !strings.Contains(p["detail"].(string), "Too many wrong receipt codes") || paused.header.Get("Retry-After") == "" {
		t.Errorf("429 without its words or Retry-After: %s %v", paused.body, paused.header)
	}
	rep.post("/api/receipt", right).must(t, http.StatusTooManyRequests)        // unchecked while paused
	rep.post("/api/receipt/reopen", right).must(t, http.StatusTooManyRequests) // every lookup
	rep.post("/api/receipt", wrong("lone-pine")).must(t, http.StatusNotFound)  // another production still answers,
	for range receiptGlobalBurst - receiptProductionBurst - 1 {                // until the server's budget is used up
		rep.post("/api/receipt", wrong("far-ridge")).must(t, http.StatusNotFound) // (an unknown production answers as a wrong code)
	}
	everywhere := rep.post("/api/receipt", wrong("lone-pine")).must(t, http.StatusTooManyRequests)
	if p := everywhere.json(t); !strings.Contains(p["detail"].(string), "on this server") {
		t.Errorf("the server-wide pause says %q", p["detail"])
	}

	env.advance(time.Minute)
	rep.post("/api/receipt", right).must(t, http.StatusOK)

	// The page shares the limits, and says so.
	for range receiptProductionBurst {
		env.postForm(rep, "/receipt", "production=dry-creek&code=WRONG")
	}
	page := env.postForm(rep, "/receipt", "production=dry-creek&code="+filed.Receipt)
	if page.status != http.StatusTooManyRequests || !strings.Contains(string(page.body), "Too many wrong receipt codes") {
		t.Errorf("the receipt page while paused: %d %s", page.status, page.body)
	}
}

// postForm posts a form as the reporter.
func (env *anonEnv) postForm(a *anonClient, path, form string) reply {
	env.t.Helper()
	req, _ := http.NewRequest("POST", env.url+path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.c.Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}
