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
	const n = closedPage + 2
	wc.fileConcerns("kim", n, "equipment", "loose strap")
	token := wc.signIn("sol")
	for i := 1; i <= n; i++ {
		wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.resolve"}, "s:concern": {fmt.Sprintf("concern-%d", i)}, "s:action": {"strap replaced"}})
	}

	answered := func(page string) string {
		_, answered, _ := strings.Cut(page, `id="closed-h"`)
		return answered
	}
	first, seen, pages := wc.concernPages(answered, earlierLink)
	if len(first) != closedPage || first[0] != fmt.Sprintf("concern-%d", n) {
		t.Errorf("first page lists %d answered concerns from %v, want %d from concern-%d", len(first), first[:min(1, len(first))], closedPage, n)
	}
	if pages != 2 || len(seen) != n {
		t.Errorf("%d pages listing %d of the %d answered concerns", pages, len(seen), n)
	}
	listedOnce(t, seen)

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
	const perPage, n = 50, 50 + 7
	wc.fileConcerns("kim", n, "fatigue", "long days")
	wc.signIn("sol")
	open := func(page string) string {
		_, open, _ := strings.Cut(page, `id="handled-h"`)
		open, _, _ = strings.Cut(open, `</section>`)
		return open
	}
	first, seen, pages := wc.concernPages(open, moreOpenLink)
	if len(first) != perPage {
		t.Errorf("the first page lists %d open concerns, want %d", len(first), perPage)
	}
	if pages != 2 || len(seen) != n {
		t.Errorf("%d pages listing %d of the %d open concerns", pages, len(seen), n)
	}
	listedOnce(t, seen)
}

// fileConcerns files n concerns of low severity as person, from the page's form.
func (wc *webClient) fileConcerns(person string, n int, category, text string) {
	wc.t.Helper()
	token := wc.signIn(person)
	for range n {
		resp := wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.file"}, "s:category": {category}, "s:severity": {"low"}, "s:text": {text}})
		if resp.StatusCode != http.StatusSeeOther {
			wc.t.Fatalf("filing: status %d", resp.StatusCode)
		}
	}
}

// concernPages reads the concerns page and the pages after it (five at the most):
// list cuts a page down to the list being paged, next finds that list's link to its
// following page. It returns the concern ids the first page lists, how many times
// each concern was listed over all pages, and how many pages were read.
func (wc *webClient) concernPages(list func(page string) string, next *regexp.Regexp) (first []string, seen map[string]int, pages int) {
	wc.t.Helper()
	seen = map[string]int{}
	path := "/productions/dry-creek/concerns"
	for ; path != "" && pages < 5; pages++ {
		resp, page := wc.get(path)
		if resp.StatusCode != http.StatusOK {
			wc.t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		listed := list(page)
		for _, m := range concernLink.FindAllStringSubmatch(listed, -1) {
			if pages == 0 {
				first = append(first, m[1])
			}
			seen[m[1]]++
		}
		path = ""
		if m := next.FindStringSubmatch(listed); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	return first, seen, pages
}

// listedOnce fails the test for every concern seen more than once.
func listedOnce(t *testing.T, seen map[string]int) {
	t.Helper()
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s listed %d times", id, k)
		}
	}
}
