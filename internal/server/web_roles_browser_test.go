package server

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEveryRole opens every page as every person of the demo production, after
// two shooting days, on a day that goes red: a round of unknown kind is found. Each
// page is checked for accessibility and saved as a screenshot; then the safety
// officer closes the incident and clears the hold, and the producer's override form
// asks for the reason.
func TestBrowserEveryRole(t *testing.T) {
	env := newWebEnvDays(t, time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC), 2) // 08:00 in Denver
	raf := env.signIn("raf")
	raf.open("/productions/dry-creek/safety")
	raf.set("#rf-kind", "unknown")
	raf.set("#rf-where", "in the grass behind the camera cart")
	raf.click("form:has(#rf-where) button")
	raf.done("round.found")
	raf.contains("#live-risk", "Risk red", "firearm work on hold")

	pages := map[string][]string{
		"ana": {"", "/armory", "/firearms/colt-1", "/lots/blanks-1", "/labels", "/day", "/concerns", "/safety"},
		"dan": {"", "/day", "/concerns"},
		"kim": {"", "/concerns", "/concerns/long-days"},
		"raf": {"", "/concerns/glare-1"},
		"sol": {"/safety", "/concerns/long-days"},
		"pia": {"", "/safety"},
	}
	for _, person := range []string{"ana", "dan", "kim", "raf", "sol", "pia"} {
		b := raf
		if person != "raf" {
			b = env.signIn(person)
		}
		for _, p := range pages[person] {
			b.open("/productions/dry-creek" + p)
			name := person + "-red"
			if p != "" {
				name += "-" + p[1:]
			}
			b.look(safeName(name))
		}
	}

	sol := env.signIn("sol")
	sol.open("/productions/dry-creek/safety")
	sol.contains("#live-holds", "no-live-ammo", "closing the live-round incident")
	sol.set("#find-live-round-1", "a dummy with a dented case, mistaken for a live round")
	sol.set("#act-live-round-1", "lot re-verified; round disposed of")
	sol.click("form:has(#find-live-round-1) button")
	sol.done("incident.close")
	sol.open("/productions/dry-creek/safety")
	if sol.has("#live-holds .hold") {
		sol.click(`form:has(input[value="hold.clear"]) button`)
		sol.done("hold.clear")
	}
	sol.contains("#live-holds", "No holds")

	pia := env.signIn("pia")
	pia.open("/productions/dry-creek/safety")
	pia.check("form:has(#ov-reason) button") // no navigation: the browser asks for the reason first
	if !pia.has("#ov-reason:invalid") {
		t.Error("the override form can be sent without a reason")
	}
	pia.run("type a two-letter reason", chromedp.SendKeys(chromedp.CSS("#ov-reason"), "ok"))
	pia.check("form:has(#ov-reason) button")
	if !pia.has("#ov-reason:invalid") {
		t.Error(`the override form takes "ok" as a reason in full`)
	}
}

// safeName turns a page path into a file name.
func safeName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == '/' {
			out[i] = '-'
		}
	}
	return string(out)
}
