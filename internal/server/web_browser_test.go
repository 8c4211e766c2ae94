package server

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"coldset/internal/demo"
)

// The browser tests drive the real pages in headless Chromium against a real server
// on a real SQLite store, with the server clock set by the test. Each person has
// their own browser context, so their cookies are their own. Screenshots at 390×844
// go to $COLDSET_SCREENSHOTS (default: the test's temporary directory).

const chromiumPath = "/usr/bin/chromium"

// webEnv is a server with the demo cast (no past days) and a browser.
type webEnv struct {
	t       *testing.T
	url     string
	browser context.Context
	shots   string
	loc     *time.Location

	testClock
}

// newWebEnv starts the server with production dry-creek and its people, created at
// created (the server clock's start), and a headless Chromium. Without Chromium the test is skipped, unless the
// environment variable CI is set.
func newWebEnv(t *testing.T, created time.Time) *webEnv {
	t.Helper()
	return newWebEnvDays(t, created, 0)
}

// newWebEnvDays is newWebEnv with the demo's past days before the day of now.
func newWebEnvDays(t *testing.T, now time.Time, days int) *webEnv {
	t.Helper()
	browser := startBrowser(t)
	loc, err := time.LoadLocation(demo.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	env := &webEnv{t: t, testClock: testClock{now: now}, loc: loc, shots: shotsDir(t), browser: browser}
	opts := demo.Options{Now: now, Days: days}
	if days == 0 {
		opts.Created = now
	}
	lg, st := newDemoLedger(t, opts)
	srv := newQuietServer(lg, st, Config{})
	srv.api.now = env.clock
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	env.url = hs.URL
	return env
}

// startBrowser starts a headless Chromium the size of a phone (390×844), with the
// options extra, and stops it when the test ends. Without Chromium the test is
// skipped, unless the environment variable CI is set.
func startBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required in CI: %v", err)
		}
		t.Skipf("no chromium at %s", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(390, 844),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil { // start the browser
		t.Fatal(err)
	}
	return browser
}

// shotsDir is where screenshots go: $COLDSET_SCREENSHOTS, or the test's temporary
// directory.
func shotsDir(t *testing.T) string {
	t.Helper()
	shots := os.Getenv("COLDSET_SCREENSHOTS")
	if shots == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

// at sets the server clock to a local time ("2026-03-02 08:10") of the production.
func (env *webEnv) at(local string) {
	env.t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", local, env.loc)
	if err != nil {
		env.t.Fatal(err)
	}
	env.setClock(tm)
}

// tab is one person's browser: a browser context of its own.
type tab struct {
	env  *webEnv
	name string
	ctx  context.Context
}

// anonymous opens a browser context with no one signed in.
func (env *webEnv) anonymous(name string) *tab {
	env.t.Helper()
	ctx, cancel := chromedp.NewContext(env.browser, chromedp.WithNewBrowserContext())
	env.t.Cleanup(cancel)
	// The first run opens the tab and binds it to its context: it must be ctx itself,
	// not one with a timeout that ends the tab when the step is over.
	if err := chromedp.Do(ctx); err != nil {
		env.t.Fatalf("%s: open a browser context: %v", name, err)
	}
	// Headless Chromium keeps windows at least 500px wide: emulate the phone's 390.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		env.t.Fatalf("%s: emulate a phone: %v", name, err)
	}
	return &tab{env: env, name: name, ctx: ctx}
}

// signIn opens a browser context for a demo person and signs them in.
func (env *webEnv) signIn(person string) *tab {
	env.t.Helper()
	b := env.anonymous(person)
	b.open("/signin")
	b.set("#email", demo.Email(person))
	b.set("#password", demo.Password(person))
	b.click(`form[action="/signin"] button`)
	return b
}

func (b *tab) run(what string, a chromedp.Action[chromedp.Void]) {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, a); err != nil {
		b.env.t.Fatalf("%s: %s: %v", b.name, what, err)
	}
}

// open loads a page of the server.
func (b *tab) open(path string) {
	b.env.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.env.url+path))
}

// set fills in a field (an input, textarea or select).
func (b *tab) set(sel, value string) {
	b.env.t.Helper()
	b.run("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// check ticks a checkbox or chooses a radio button.
func (b *tab) check(sel string) {
	b.env.t.Helper()
	b.run("check "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// click presses a button that submits a form, and waits for the page it leads to.
func (b *tab) click(sel string) {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.env.t.Fatalf("%s: click %s: %v", b.name, sel, err)
	}
}

// text returns the text of the first element matching sel.
func (b *tab) text(sel string) string {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.env.t.Fatalf("%s: text of %s: %v", b.name, sel, err)
	}
	return s
}

// has reports whether an element matches sel now.
func (b *tab) has(sel string) bool {
	b.env.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.querySelector("+jsString(sel)+") !== null"))
	if err != nil {
		b.env.t.Fatalf("%s: look for %s: %v", b.name, sel, err)
	}
	return ok
}

// done checks that the last form was accepted: its flash says so.
func (b *tab) done(what string) {
	b.env.t.Helper()
	if !b.has("#flash") {
		b.env.t.Fatalf("%s: %s: no outcome shown on the page", b.name, what)
	}
	if f := b.text("#flash"); b.has(".flash-refused") || b.has(".flash-error") {
		b.env.t.Fatalf("%s: %s: not done: %s", b.name, what, f)
	}
}

// contains fails the test unless the element's text contains every one of want,
// ignoring case (the style sheet upper-cases some of it).
func (b *tab) contains(sel string, want ...string) {
	b.env.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			b.env.t.Errorf("%s: %s says %q; want it to contain %q", b.name, sel, got, w)
		}
	}
}

// shot saves a full-page screenshot as NAME.png in the screenshots directory.
func (b *tab) shot(name string) {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.env.t.Fatalf("%s: screenshot %s: %v", b.name, name, err)
	}
	if err := os.WriteFile(filepath.Join(b.env.shots, name+".png"), png, 0o644); err != nil {
		b.env.t.Fatal(err)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
