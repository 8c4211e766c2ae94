package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"coldset/internal/demo"
	"coldset/internal/rules"
)

// browserOf starts a headless Chromium with the probe's user agent on env's server.
// Pages opened through staff go to the server straight; those through reporters go
// through the relay, so the server sees them come from the reporter's address.
func (env *anonEnv) browserOf() (staff, reporters *webEnv) {
	t := env.t
	t.Helper()
	browser := startBrowser(t, chromedp.UserAgent(probeAgent))
	loc, err := time.LoadLocation(demo.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	shots := shotsDir(t)
	staff = &webEnv{t: t, url: env.url, browser: browser, shots: shots, loc: loc, testClock: testClock{now: env.clock()}}
	reporters = &webEnv{t: t, url: env.relay(), browser: browser, shots: shots, loc: loc, testClock: testClock{now: env.clock()}}
	return staff, reporters
}

// probe makes the tab send forwarding headers naming a distinctive address.
func (b *tab) probe() {
	b.env.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.env.t.Fatal(err)
	}
	h := network.Headers{"X-Forwarded-For": probeForwarded, "Forwarded": "for=" + probeForwarded, "X-Real-IP": probeForwarded}
	if _, err := chromedp.Call(b.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
		b.env.t.Fatal(err)
	}
}

// cookies returns the tab's cookies for the server, by name.
func (b *tab) cookies() map[string]string {
	b.env.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.env.url + "/"}})
	if err != nil {
		b.env.t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range res.Cookies {
		out[c.Name] = c.Value
	}
	return out
}

// TestBrowserAnonymousReport: a member prints the poster; a crew member's signed-in
// phone, with a distinctive agent, address and forwarding headers, files a concern
// through the public report page; the safety officer replies on the concern's page;
// whoever holds the receipt reads the reply, answers it and reopens the concern from
// a browser that has no cookie before or after. Then nothing of the reporter is in
// the database, its write-ahead log, the ledger or the logs. Every page passes axe.
func TestBrowserAnonymousReport(t *testing.T) {
	env := newAnonEnv(t, time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC))
	staffEnv, reporterEnv := env.browserOf()
	const words = "browser-marker: the blank-fire scene has no shield for the boom operator"

	sol := staffEnv.signIn("sol")
	sol.open("/productions/dry-creek/concerns")
	sol.click(`a[href$="/report-poster"]`)
	sol.contains("#poster-url", staffEnv.url+"/report/dry-creek")
	if !sol.has(`#poster-qr img[src="/productions/dry-creek/report-poster/qr"]`) {
		t.Error("the poster has no QR code")
	}
	sol.look("anon-poster")

	// Kim is signed in on this phone, and files anonymously all the same.
	kim := reporterEnv.signIn("kim")
	kim.probe()
	before := kim.cookies()
	if before[sessionCookie] == "" {
		t.Fatalf("kim's phone has no session: %v", before)
	}
	kim.open("/report/dry-creek")
	kim.contains("main", "Dry Creek", "nothing about you is kept")
	kim.look("anon-report")
	kim.set("#a-text", words)
	kim.set("#a-cat", "firearms")
	kim.set("#a-sev", "high")
	kim.click(`form[action="/report/dry-creek"] button`)
	kim.done("anonymous report")
	code := strings.TrimSpace(kim.text("#receipt-code"))
	if len(canonicalReceipt(code)) != rules.ReceiptLength {
		t.Fatalf("receipt code %q: want %d characters", code, rules.ReceiptLength)
	}
	kim.look("anon-receipt-shown")
	if after := kim.cookies(); len(after) != len(before) || after[sessionCookie] != before[sessionCookie] {
		t.Errorf("the anonymous pages changed the phone's cookies: %v, was %v", after, before)
	}

	// The safety officer answers on the concern's page and does not learn who filed it.
	env.advance(5 * time.Minute)
	sol.open("/productions/dry-creek/concerns/concern-1")
	sol.contains("#live-concern", "anonymous", words)
	if strings.Contains(sol.text("main"), "Kim") {
		t.Error("the concern's page names the anonymous reporter")
	}
	sol.set("#reply-text", "which scene number, and which camera position?")
	sol.click("form:has(#reply-text) button")
	sol.done("concern.reply")
	sol.look("anon-staff-reply")

	// Whoever holds the code follows it from a browser with no cookie at all.
	env.advance(5 * time.Minute)
	anyone := reporterEnv.anonymous("the holder of the receipt")
	anyone.probe()
	anyone.open("/receipt?production=dry-creek")
	anyone.set("#r-code", strings.ToLower(code))
	anyone.click("form:has(#r-code) button")
	anyone.contains("#receipt-concern", words, "which scene number")
	anyone.look("anon-receipt-thread")
	anyone.set("#r-reply", "scene 14, the dolly position by the door")
	anyone.click("form:has(#r-reply) button")
	anyone.done("the reporter's answer")
	anyone.contains("#receipt-concern", "scene 14, the dolly position by the door")

	sol.open("/productions/dry-creek/concerns/concern-1")
	sol.contains("#live-concern", "the reporter", "scene 14, the dolly position by the door")
	sol.set("#res-action", "a lexan shield and a remote monitor for the boom in scene 14")
	sol.click("form:has(#res-action) button")
	sol.done("concern.resolve")

	anyone.open("/receipt?production=dry-creek")
	anyone.set("#r-code", code)
	anyone.click("form:has(#r-code) button")
	anyone.contains("#receipt-concern", "resolved", "lexan shield")
	anyone.click(`form:has(input[name="reopen"]) button`)
	anyone.contains("#flash", "Concern reopened")
	anyone.contains("#receipt-concern", "open, escalation level 1")
	anyone.look("anon-receipt-reopened")
	if c := anyone.cookies(); len(c) != 0 {
		t.Errorf("the anonymous pages left cookies: %v", c)
	}

	if !env.probed() {
		t.Fatal("no request reached the server with the probe's agent and forwarding headers")
	}
	env.anonymousEntries("concern-1")
	secrets := append(env.reporterPeers(), reporterIP, probeAgent, probeForwarded, code, canonicalReceipt(code))
	for _, v := range before {
		secrets = append(secrets, v)
	}
	env.nowhere(words, secrets...)
}
