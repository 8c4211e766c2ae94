package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAnonymousFilingLimited: anonymous filings past the limit for a production, and
// past the one for the whole server, are refused unrecorded (429 with Retry-After and
// words that say so) on the API, the report page (which keeps what was typed), the
// concerns page's anonymous form and the actions API; once the limit refills, filing
// works again. Named filings are not limited.
func TestAnonymousFilingLimited(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	// 3 a minute on a production; 4 on the server, refilled one a minute.
	env.srv.web.filings = newBucketLimiter(rate{3, time.Minute}, rate{4, 4 * time.Minute})
	rep := env.reporter()
	p, err := env.srv.production(context.Background(), "dry-creek")
	if err != nil {
		t.Fatal(err)
	}
	file := func() reply {
		return rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "fatigue", "severity": "low", "text": "no turnaround again"})
	}
	for range 3 {
		file().must(t, http.StatusCreated)
	}
	size := p.Log().Size()

	refused := file().must(t, http.StatusTooManyRequests)
	if d := refused.json(t)["detail"].(string); !strings.Contains(d, "Too many reports are being filed on Dry Creek right now") || !strings.Contains(d, "not recorded") {
		t.Errorf("the API's 429 says %q", d)
	}
	if ra := refused.header.Get("Retry-After"); ra != "20" {
		t.Errorf("Retry-After %q, want 20 (one filing of 3 a minute)", ra)
	}

	const words = "the catwalk rail on stage 4 is loose"
	page := env.postForm(rep, "/report/dry-creek", "category=equipment&severity=high&text="+strings.ReplaceAll(words, " ", "+"))
	if page.status != http.StatusTooManyRequests || page.header.Get("Retry-After") == "" ||
		!strings.Contains(string(page.body), "Too many reports are being filed on Dry Creek right now") || !strings.Contains(string(page.body), ">"+words+"</textarea>") {
		t.Errorf("the report page while paused: %d %s", page.status, page.body)
	}

	kim := env.session("kim")
	api := env.actAs(kim, map[string]any{"do": "concern.file", "anonymous": true, "with": map[string]any{"id": "c-from-api", "category": "other", "severity": "low", "text": "x"}})
	api.must(t, http.StatusTooManyRequests)

	// The concerns page's anonymous form: the page again, its words kept.
	form := env.pageForm(kim, "/productions/dry-creek/do", "do=concern.file&anonymous=1&s:category=conduct&s:severity=high&s:text="+strings.ReplaceAll(words, " ", "+"))
	if form.status != http.StatusTooManyRequests || !strings.Contains(string(form.body), ">"+words+"</textarea>") ||
		!strings.Contains(string(form.body), `value="conduct" selected`) || !strings.Contains(string(form.body), "Too many reports are being filed on Dry Creek") {
		t.Errorf("the concerns page's anonymous form while paused: %d %s", form.status, form.body)
	}
	if got := p.Log().Size(); got != size {
		t.Errorf("the refused filings changed the ledger: %d entries, want %d", got, size)
	}
	env.act(kim, "concern.file", map[string]any{"id": "c-named", "category": "other", "severity": "low", "text": "signed, so not limited"}).must(t, http.StatusOK)

	// A minute later the production's limit has refilled, but not the server's.
	env.advance(time.Minute)
	file().must(t, http.StatusCreated)
	file().must(t, http.StatusCreated)
	everywhere := file().must(t, http.StatusTooManyRequests)
	if d := everywhere.json(t)["detail"].(string); !strings.Contains(d, "on this server") {
		t.Errorf("the server-wide 429 says %q", d)
	}
	env.advance(time.Minute)
	file().must(t, http.StatusCreated)
}
