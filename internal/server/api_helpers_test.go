package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/store"
)

// testAPI is a server on a real SQLite store with a clock the test sets.
type testAPI struct {
	t        *testing.T
	srv      *Server
	http     *httptest.Server
	st       store.Backend
	accounts auth.Store

	testClock
}

var dayOne = time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC) // 06:00 in America/Denver

func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	return newTestAPIConfig(t, Config{})
}

// newTestAPIConfig is newTestAPI with the settings of cfg; its Ledger, Store and
// Logger are the test's own.
func newTestAPIConfig(t *testing.T, cfg Config) *testAPI {
	t.Helper()
	lg, st := newTestLedger(t)
	ta := &testAPI{t: t, st: st, accounts: st, testClock: testClock{now: dayOne}}
	ta.srv = newQuietServer(lg, st, cfg)
	ta.srv.api.now = ta.clock
	ta.http = httptest.NewServer(ta.srv)
	t.Cleanup(ta.http.Close)
	return ta
}

// account creates an account and returns an API token for it.
func (ta *testAPI) account(email string, admin bool) string {
	ta.t.Helper()
	a, err := auth.AddAccount(context.Background(), ta.accounts, email, "password of "+email, admin)
	if err != nil {
		ta.t.Fatal(err)
	}
	return ta.token(a)
}

func (ta *testAPI) token(a auth.Account) string {
	ta.t.Helper()
	tok, err := auth.Issue(context.Background(), ta.accounts, a.ID, auth.KindToken, ta.clock(), 0)
	if err != nil {
		ta.t.Fatal(err)
	}
	return tok
}

// reply is one HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic map.
func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// call sends body (encoded as JSON unless it is a string or []byte) with the token
// as bearer (none when empty).
func (ta *testAPI) call(token, method, path string, body any) reply {
	ta.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ta.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ta.http.URL+path, rd)
	if err != nil {
		ta.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ta.send(req)
}

func (ta *testAPI) send(req *http.Request) reply {
	ta.t.Helper()
	resp, err := ta.http.Client().Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ta.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

// must fails the test unless the reply has the status.
func (r reply) must(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// dryCreek sets up production dry-creek with an admin, and people ana (armorer),
// kim (actor), sol (safety officer) and pia (producer), each with an account, and
// returns their tokens by person id ("admin" for the admin).
func (ta *testAPI) dryCreek() map[string]string {
	ta.t.Helper()
	tokens := map[string]string{"admin": ta.account("admin@studio.test", true)}
	ta.call(tokens["admin"], "POST", "/api/productions", map[string]any{
		"id": "dry-creek", "name": "Dry Creek", "timezone": "America/Denver",
	}).must(ta.t, http.StatusCreated)
	for _, p := range []map[string]any{
		{"id": "ana", "name": "Ana Ruiz", "roles": []string{"armorer"}, "certified_until": "2027-01-01"},
		{"id": "kim", "name": "Kim Lee", "roles": []string{"actor"}, "training": map[string]float64{"revolver": 3}},
		{"id": "sol", "name": "Sol Park", "roles": []string{"safety_officer"}},
		{"id": "pia", "name": "Pia Moss", "roles": []string{"producer"}},
	} {
		id := p["id"].(string)
		p["email"] = id + "@crew.test"
		ta.call(tokens["admin"], "POST", "/api/productions/dry-creek/people", p).must(ta.t, http.StatusCreated)
		a, err := ta.accounts.AccountByEmail(context.Background(), id+"@crew.test")
		if err != nil {
			ta.t.Fatal(err)
		}
		tokens[id] = ta.token(a)
	}
	return tokens
}

// action posts one action as the token's person on dry-creek.
func (ta *testAPI) action(token, do string, with map[string]any) reply {
	ta.t.Helper()
	return ta.call(token, "POST", "/api/productions/dry-creek/actions", map[string]any{"do": do, "with": with})
}

func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("body %q: %v", data, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
