package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var concernLink = regexp.MustCompile(`href="/productions/dry-creek/concerns/(concern-\d+)"`)
var earlierLink = regexp.MustCompile(`href="([^"]+)">Earlier answered concerns`)

// TestWebClosedConcernsPages files and resolves more concerns than a page lists: the
// concerns page shows the answered ones a page at a time, latest first, with a link
// to the earlier ones, and each filer sees their latest answered ones.
func TestWebClosedConcernsPages(t *testing.T) {
	wc := newWebClient(t)
	token := wc.signIn("kim")
	const n = closedPage + 2
	for range n {
		resp := wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.file"}, "s:category": {"equipment"}, "s:severity": {"low"}, "s:text": {"loose strap"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: status %d", resp.StatusCode)
		}
	}
	token = wc.signIn("sol")
	for i := 1; i <= n; i++ {
		wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.resolve"}, "s:concern": {fmt.Sprintf("concern-%d", i)}, "s:action": {"strap replaced"}})
	}

	seen := map[string]int{}
	path, pages := "/productions/dry-creek/concerns", 0
	for ; path != "" && pages < 5; pages++ {
		resp, page := wc.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		_, answered, _ := strings.Cut(page, `id="closed-h"`)
		ids := concernLink.FindAllStringSubmatch(answered, -1)
		if pages == 0 && (len(ids) != closedPage || ids[0][1] != fmt.Sprintf("concern-%d", n)) {
			t.Errorf("first page lists %d answered concerns from %v, want %d from concern-%d", len(ids), ids[:min(1, len(ids))], closedPage, n)
		}
		for _, m := range ids {
			seen[m[1]]++
		}
		path = ""
		if m := earlierLink.FindStringSubmatch(answered); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if pages != 2 || len(seen) != n {
		t.Errorf("%d pages listing %d of the %d answered concerns", pages, len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s listed %d times", id, k)
		}
	}

	wc.signIn("kim")
	_, page := wc.get("/productions/dry-creek")
	_, mine, _ := strings.Cut(page, `id="mine-h"`)
	if !strings.Contains(mine, fmt.Sprintf("concerns/concern-%d\"", n)) || strings.Contains(mine, fmt.Sprintf("concerns/concern-%d\"", n-recentClosed)) {
		t.Errorf("kim's concerns %v: want the latest %d answered, concern-%d to concern-%d", regexp.MustCompile(`concerns/[a-z0-9-]+"`).FindAllString(mine, -1), recentClosed, n, n-recentClosed+1)
	}
}

var moreOpenLink = regexp.MustCompile(`href="([^"]+)">More open concerns`)

// TestWebOpenConcernsPages files more open concerns than a page lists: those who
// answer them see 50 at a time, with a link to the next ones, each concern once.
func TestWebOpenConcernsPages(t *testing.T) {
	wc := newWebClient(t)
	token := wc.signIn("kim")
	const perPage, n = 50, 50 + 7
	for range n {
		resp := wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.file"}, "s:category": {"fatigue"}, "s:severity": {"low"}, "s:text": {"long days"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: status %d", resp.StatusCode)
		}
	}
	wc.signIn("sol")
	seen := map[string]int{}
	path, pages := "/productions/dry-creek/concerns", 0
	for ; path != "" && pages < 5; pages++ {
		resp, page := wc.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		_, open, _ := strings.Cut(page, `id="handled-h"`)
		open, _, _ = strings.Cut(open, `</section>`)
		ids := concernLink.FindAllStringSubmatch(open, -1)
		if pages == 0 && len(ids) != perPage {
			t.Errorf("the first page lists %d open concerns, want %d", len(ids), perPage)
		}
		for _, m := range ids {
			seen[m[1]]++
		}
		path = ""
		if m := moreOpenLink.FindStringSubmatch(open); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if pages != 2 || len(seen) != n {
		t.Errorf("%d pages listing %d of the %d open concerns", pages, len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s listed %d times", id, k)
		}
	}
}
