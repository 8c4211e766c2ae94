package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"coldset/internal/rules"
)

// fileAtOnce files n anonymous concerns on dry-creek through the API at the same
// moment, each from its own connection, and returns each answer's status and body.
func (a *anonClient) fileAtOnce(n int) (statuses []int, bodies [][]byte) {
	a.t.Helper()
	statuses, bodies = make([]int, n), make([][]byte, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]string{"category": "equipment", "severity": "low", "text": fmt.Sprintf("report %d: the dolly track is loose", i)})
			<-start
			resp, err := a.c.Post(a.env.url+"/api/productions/dry-creek/concerns/anonymous", "application/json", bytes.NewReader(body))
			if err != nil {
				a.t.Errorf("filing %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			bodies[i], _ = io.ReadAll(resp.Body)
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	return statuses, bodies
}

// TestAnonymousFilingsAtOnceAllRecorded: thirty reporters file at the same moment;
// every concern is recorded, each under its own id, with its own receipt.
func TestAnonymousFilingsAtOnceAllRecorded(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	const n = 30
	statuses, bodies := env.reporter().fileAtOnce(n)
	ids, receipts := map[string]bool{}, map[string]bool{}
	for i, status := range statuses {
		if status != http.StatusCreated {
			t.Errorf("filing %d: %d %s, want 201", i, status, bodies[i])
			continue
		}
		var got anonymousConcernResponse
		decode(t, bodies[i], &got)
		ids[got.Concern], receipts[got.Receipt] = true, true
	}
	if len(ids) != n || len(receipts) != n {
		t.Errorf("%d filings recorded %d distinct ids and %d distinct receipts, want %d of each", n, len(ids), len(receipts), n)
	}
	p, err := env.srv.production(context.Background(), "dry-creek")
	if err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		var filed bool
		p.View(func(st *rules.State) { _, filed = st.Concern(id) })
		if !filed {
			t.Errorf("concern %s was answered but is not on file", id)
		}
	}
}

// actAs sends an action request as is, signed in with session.
func (env *anonEnv) actAs(session *http.Cookie, req map[string]any) reply {
	env.t.Helper()
	data, _ := json.Marshal(req)
	r, _ := http.NewRequest("POST", env.url+"/api/productions/dry-creek/actions", bytes.NewReader(data))
	r.Header.Set("Content-Type", "application/json")
	r.AddCookie(session)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

// pageForm posts a form of the pages signed in with session, with the CSRF token of
// the session.
func (env *anonEnv) pageForm(session *http.Cookie, path, form string) reply {
	env.t.Helper()
	page := env.getPage(session, "/productions/dry-creek/concerns")
	r, _ := http.NewRequest("POST", env.url+path, strings.NewReader(form+"&csrf="+csrfIn(env.t, string(page.body))))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(session)
	return env.do(r)
}

// getPage reads a page signed in with session.
func (env *anonEnv) getPage(session *http.Cookie, path string) reply {
	env.t.Helper()
	r, _ := http.NewRequest("GET", env.url+path, nil)
	r.AddCookie(session)
	return env.do(r)
}

func (env *anonEnv) do(r *http.Request) reply {
	env.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(r)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

// TestReceiptGuessingLimitedOnActionsAPI: receipt codes given with an anonymous
// action on the signed-in actions API count against the same guessing limit as the
// anonymous routes: past it, a guess is refused unchecked (429), and so is a lookup
// on the receipt routes.
func TestReceiptGuessingLimitedOnActionsAPI(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	rep := env.reporter()
	var filed anonymousConcernResponse
	decode(t, rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "conduct", "severity": "low", "text": "shouting at the loaders"}).must(t, http.StatusCreated).body, &filed)
	kim := env.session("kim")
	reply := func(receipt string) reply {
		return env.actAs(kim, map[string]any{"do": "concern.reply", "anonymous": true, "receipt": receipt, "with": map[string]any{"concern": filed.Concern, "text": "it happened again"}})
	}

	right := canonicalReceipt(filed.Receipt)
	for range 2 * receiptProductionBurst {
		reply(right).must(t, http.StatusOK) // the holder of the code costs nothing
	}
	for i := range receiptProductionBurst {
		if r := reply(fmt.Sprintf("GUESSAAAAAAAAAAAAAAAAAAAAAA%d", i)); r.status == http.StatusTooManyRequests {
			t.Fatalf("guess %d refused as too many already", i+1)
		}
	}
	guess := reply("GUESSBBBBBBBBBBBBBBBBBBBBBBB").must(t, http.StatusTooManyRequests)
	if d := guess.json(t)["detail"].(string); !strings.Contains(d, "Too many wrong receipt codes") || guess.header.Get("Retry-After") == "" {
		t.Errorf("429 without its words or Retry-After: %s %v", guess.body, guess.header)
	}
	reopen := env.actAs(kim, map[string]any{"do": "concern.reopen", "anonymous": true, "receipt": "GUESSCCCCCCCCCCCCCCCCCCCCCCC", "with": map[string]any{"concern": filed.Concern}})
	reopen.must(t, http.StatusTooManyRequests)
	rep.post("/api/receipt", map[string]string{"production": "dry-creek", "receipt": filed.Receipt}).must(t, http.StatusTooManyRequests)

	env.advance(time.Minute)
	reply(right).must(t, http.StatusOK)
}

// TestConcernWordsFoundOnAnOldConcern: a concern's words and its thread are read from
// its own entries, so they show on its page and by its receipt however much was
// recorded after it.
func TestConcernWordsFoundOnAnOldConcern(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	rep := env.reporter()
	const words = "old-marker: the squib harness was reused without a check"
	var filed anonymousConcernResponse
	decode(t, rep.post("/api/productions/dry-creek/concerns/anonymous", map[string]string{"category": "equipment", "severity": "low", "text": words}).must(t, http.StatusCreated).body, &filed)
	sol, kim := env.session("sol"), env.session("kim")
	env.act(sol, "concern.reply", map[string]any{"concern": filed.Concern, "text": "which harness number?"}).must(t, http.StatusOK)
	const named = "old-marker: my call sheet had the wrong scene"
	env.act(kim, "concern.file", map[string]any{"id": "kim-old", "category": "other", "severity": "low", "text": named}).must(t, http.StatusOK)

	// Several days of a busy production later: more entries than any window.
	env.bury("the concerns")
	env.act(sol, "concern.reply", map[string]any{"concern": filed.Concern, "text": "found it: number 3"}).must(t, http.StatusOK)

	var view receiptAnswer
	decode(t, rep.post("/api/receipt", map[string]string{"production": "dry-creek", "receipt": filed.Receipt}).must(t, http.StatusOK).body, &view)
	if view.Text != words || !view.has("concern.reply", "staff", "which harness number?") || !view.has("concern.reply", "staff", "found it: number 3") {
		t.Errorf("by receipt: text %q, thread %+v", view.Text, view.Thread)
	}
	for _, c := range []struct {
		who     *http.Cookie
		concern string
		want    []string
	}{
		{sol, filed.Concern, []string{words, "which harness number?", "found it: number 3"}},
		{sol, "kim-old", []string{named}},
		{kim, "kim-old", []string{named}},
	} {
		page := env.getPage(c.who, "/productions/dry-creek/concerns/"+c.concern)
		for _, w := range c.want {
			if page.status != http.StatusOK || !strings.Contains(string(page.body), w) {
				t.Errorf("the page of %s: %d, without %q", c.concern, page.status, w)
			}
		}
	}
}
