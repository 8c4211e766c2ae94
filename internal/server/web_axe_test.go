package server

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Accessibility: every page the browser tests visit is checked with axe-core (WCAG 2
// A and AA rules: contrast, labels, names of buttons, links and images, and the rest),
// and for a phone with gloves: one column at 390px, no sideways scrolling, and every
// control at least 48px tall.
//
// axe-core comes from npm into testdata/axe (npm ci --prefix internal/server/testdata/axe).
// Without it the axe part is skipped, unless the environment variable CI is set.

const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))}))))`

// glovesCheck lists what is too small or too wide for a gloved hand on a phone.
const glovesCheck = `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px wide');
  }
  const sel = 'button, .btn, .tabs a, a.row, select, textarea, label.choice, ' +
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
  document.querySelectorAll(sel).forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return; // not shown
    if (r.height < 47.5) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) +
      ' "' + el.textContent.trim().slice(0, 30) + '" is ' + Math.round(r.height) + 'px tall');
  });
  return JSON.stringify(out);
})()`

// accessible checks the page now shown: axe-core's rules and the glove checks.
func (b *tab) accessible(page string) {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	gloves, err := chromedp.Run(ctx, chromedp.Evaluate[string](glovesCheck))
	if err != nil {
		b.env.t.Fatalf("%s: glove check on %s: %v", b.name, page, err)
	}
	var problems []string
	json.Unmarshal([]byte(gloves), &problems)
	for _, p := range problems {
		b.env.t.Errorf("%s: page %s: %s", b.name, page, p)
	}

	src, err := axeSource()
	if err != nil {
		if os.Getenv("CI") != "" {
			b.env.t.Fatalf("axe-core is required in CI (npm ci --prefix internal/server/testdata/axe): %v", err)
		}
		b.env.t.Logf("axe-core not installed, accessibility rules not checked: %v", err)
		return
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("typeof axe !== 'undefined'"))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](src+";true"))
	}
	if err != nil {
		b.env.t.Fatalf("%s: load axe-core on %s: %v", b.name, page, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.env.t.Fatalf("%s: axe on %s: %v", b.name, page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.env.t.Fatalf("axe result %q: %v", out, err)
	}
	for _, v := range vs {
		b.env.t.Errorf("%s: page %s: %s (%s):\n  %s", b.name, page, v.Help, v.ID, strings.Join(v.Nodes, "\n  "))
	}
}

// look saves a screenshot of the page now shown and checks its accessibility.
func (b *tab) look(name string) {
	b.env.t.Helper()
	b.shot(name)
	b.accessible(name)
}
