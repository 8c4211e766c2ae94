package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"coldset/internal/ledger"
)

// deepArrays is n nested JSON arrays.
func deepArrays(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// TestBadInputAction sends the action endpoint bodies that are not actions: each is
// refused with a problem document that says what is wrong, and the ledger does not
// change (not one entry, not half of one), so the log still verifies.
func TestBadInputAction(t *testing.T) {
	w := newMatrixWorld(t)
	ana := w.callers[0] // the armorer: the body is what is wrong, never who sends it
	const path = "/api/productions/" + matrixProd + "/actions"
	long := strings.Repeat("x", maxRequestBody)
	for _, tt := range []struct {
		name        string
		body        string
		contentType string
		chunked     bool // no Content-Length: the size is found by reading
		status      int
		field       string
		says        string // a phrase the detail must hold
	}{
		{"413: a body over 64 KiB", `{"do":"concern.file","with":{"text":"` + long + `"}}`, "application/json", false, 413, "", "larger than 65536 bytes"},
		{"413: a body over 64 KiB, sent without its length", `{"do":"concern.file","with":{"text":"` + long + `"}}`, "application/json", true, 413, "", "larger than 65536 bytes"},
		{"400: 10,000 nested arrays", `{"do":"hold.clear","with":` + deepArrays(10000) + `}`, "application/json", false, 400, "", "nests deeper than 32"},
		{"400: 33 levels, one past the limit", `{"do":"hold.clear","with":` + deepArrays(32) + `}`, "application/json", false, 400, "", "nests deeper"},
		{"400: invalid UTF-8 in a string", "{\"do\":\"concern.file\",\"with\":{\"text\":\"caf\xe9\"}}", "application/json", false, 400, "", "not valid UTF-8 (at byte 40)"},
		{"400: a lone surrogate byte sequence", "{\"do\":\"hold.clear\",\"with\":{\"x\":\"\xed\xa0\x80\"}}", "application/json", false, 400, "", "not valid UTF-8"},
		{"400: an unknown field", `{"do":"hold.clear","as":"sol"}`, "application/json", false, 400, "as", `unknown field "as"`},
		{"400: a field of the wrong type", `{"do":["hold.clear"]}`, "application/json", false, 400, "do", "must be a JSON string"},
		{"400: not an object", `["hold.clear"]`, "application/json", false, 400, "", "must be a JSON"},
		{"400: cut short", `{"do":"hold.clear","with":{`, "application/json", false, 400, "", "not valid JSON"},
		{"400: two values", `{"do":"hold.clear"}{"do":"hold.clear"}`, "application/json", false, 400, "", "nothing after it"},
		{"400: empty, sent without its length", ``, "application/json", true, 400, "", "empty"},
		{"415: a form, not JSON", `do=hold.clear`, "application/x-www-form-urlencoded", false, 415, "", "Content-Type: application/json"},
		{"415: text/plain", `{"do":"hold.clear"}`, "text/plain", false, 415, "", `not "text/plain"`},
		{"415: no Content-Type", `{"do":"hold.clear"}`, "", false, 415, "", "no Content-Type"},
		{"415: a malformed Content-Type", `{"do":"hold.clear"}`, "application/json; charset", false, 415, "", "Content-Type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := w.size()
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length from NewRequest
			}
			req := httptest.NewRequest("POST", path, body)
			if tt.chunked {
				req.ContentLength = -1
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := w.serve(ana, req)
			p := wantProblemRec(t, rec, tt.status, tt.field)
			if !strings.Contains(p.Detail, tt.says) {
				t.Errorf("detail %q does not say %q", p.Detail, tt.says)
			}
			if after := w.size(); after != before {
				t.Errorf("the ledger grew from %d to %d entries", before, after)
			}
		})
	}
	// An unknown field inside "with" is for the rules to judge: refused as invalid,
	// naming the field, and that refusal is recorded whole, as every refusal is
	// (RULES.md): one complete entry, never part of one.
	t.Run("422: an unknown field of the action, recorded as one refusal", func(t *testing.T) {
		before := w.size()
		req := httptest.NewRequest("POST", path, strings.NewReader(`{"do":"hold.clear","with":{"why":"because"}}`))
		req.Header.Set("Content-Type", "application/json")
		wantProblemRec(t, w.serve(ana, req), 422, "with.why")
		if after := w.size(); after != before+1 {
			t.Errorf("the ledger went from %d to %d entries, want one refusal", before, after)
		}
	})
	verifyLedger(t, w)
}

// TestBadInputEveryJSONRoute: the body check stands before every API route that
// takes a body, so none of them can forget it.
func TestBadInputEveryJSONRoute(t *testing.T) {
	w := newMatrixWorld(t)
	admin := w.callers[len(cast)] // the studio admin, who may use every route
	for _, route := range sourceRoutes(t) {
		method, path, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(path, "/api/") || method == "GET" || method == "DELETE" {
			continue
		}
		path = strings.ReplaceAll(path, "{id}", matrixProd)
		for _, tt := range []struct {
			name, body, contentType string
			status                  int
		}{
			{"text/plain", `{}`, "text/plain", 415},
			{"too large", `{"x":"` + strings.Repeat("x", maxRequestBody) + `"}`, "application/json", 413},
			{"too deep", deepArrays(10000), "application/json", 400},
			{"not UTF-8", "{\"x\":\"\xff\"}", "application/json", 400},
		} {
			before := w.size()
			req := httptest.NewRequest(method, path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := w.serve(admin, req)
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s with a body %s: status %d (%s), want %d", route, tt.name, rec.Code, rec.Header().Get("Content-Type"), tt.status)
			}
			if after := w.size(); after != before {
				t.Errorf("%s with a body %s: the ledger grew from %d to %d", route, tt.name, before, after)
			}
		}
	}
}

// wantProblemRec checks a recorded answer is the problem document of status,
// naming field, and returns it.
func wantProblemRec(t *testing.T, rec *httptest.ResponseRecorder, status int, field string) problem {
	t.Helper()
	var p problem
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %.300s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" || p.Field != field {
		t.Errorf("problem %+v: want status %d, a type, title and detail, field %q", p, status, field)
	}
	return p
}

// verifyLedger recomputes dry-creek's log from its stored entries and checks it
// against its latest checkpoint.
func verifyLedger(t *testing.T, w *matrixWorld) {
	t.Helper()
	if _, err := ledger.Verify(context.Background(), w.srv.store, w.lg.Signer().Verifier(), matrixProd, nil); err != nil {
		t.Errorf("the ledger does not verify: %v", err)
	}
}

// TestBadInputForm: a page's form over the size limit is refused as a page, and
// nothing is recorded.
func TestBadInputForm(t *testing.T) {
	w := newMatrixWorld(t)
	sol := w.callers[8]
	body := "csrf=" + sol.csrf() + "&do=concern.file&s:text=" + strings.Repeat("x", maxRequestBody)
	req := httptest.NewRequest("POST", "/productions/"+matrixProd+"/do", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	before := w.size()
	rec := w.serve(sol, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "The form is larger than") {
		t.Errorf("status %d, want 413 saying the form is too large", rec.Code)
	}
	if after := w.size(); after != before {
		t.Errorf("the ledger grew from %d to %d", before, after)
	}
}
