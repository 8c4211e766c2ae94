package server

import (
	"strings"
	"testing"
	"time"

	"coldset/internal/rules"
)

// TestBrowserHandOverRefusedByHold: a critical firearms concern stops firearm work;
// the armorer's hand-over is refused, and the page says so as the rule in words and
// what to do next, with the rule's id only beside them.
func TestBrowserHandOverRefusedByHold(t *testing.T) {
	env := newWebEnv(t, time.Date(2026, 3, 2, 12, 30, 0, 0, time.UTC))
	ana, kim := env.signIn("ana"), env.signIn("kim")

	env.at("2026-03-02 07:00")
	ana.open("/productions/dry-creek/armory")
	ana.set("#reg-id", "colt-1")
	ana.set("#reg-serial", "K12345")
	ana.click("form:has(#reg-id) button")
	ana.done("firearm.register")

	env.at("2026-03-02 07:05")
	kim.open("/productions/dry-creek/concerns")
	kim.set("#c-text", "the revolver's cylinder sticks; I do not trust it")
	kim.set("#c-cat", "firearms")
	kim.set("#c-sev", "critical")
	kim.click("form:has(#c-text) button")
	kim.done("concern.file")
	kim.contains("#live-risk", "firearm work on hold")

	env.at("2026-03-02 07:10")
	ana.tryHandOver("kim")
	if !ana.has(".flash-refused") {
		t.Fatalf("the hand-over was not refused: %s", ana.text("#flash"))
	}
	ana.contains("#flash .flash-title", "Not done: firearm work is stopped by a critical concern")
	ana.contains("#flash", "critical firearms concern concern-1 is open", "acknowledged, resolved or dismissed")
	ana.contains("#flash .rule", rules.Explain(rules.CriticalConcern))
	ana.contains("#flash .rule-id", rules.CriticalConcern)
	ana.look("handoff-refused")

	ana.open("/productions/dry-creek/safety")
	ana.contains("#live-holds", "Who lifts it")
	ana.look("safety-hold")
	if kim.open("/productions/dry-creek"); kim.has("#live-incoming form") {
		t.Error("kim is asked to accept a firearm whose hand-over was refused")
	}
}

// TestBrowserAnonymousConcern: a concern filed anonymously gets a receipt code shown
// once; the safety officer answers it without learning who filed it; whoever holds
// the code reads the answer without signing in, and reopens the concern.
func TestBrowserAnonymousConcern(t *testing.T) {
	env := newWebEnv(t, time.Date(2026, 3, 2, 12, 30, 0, 0, time.UTC))
	raf, sol := env.signIn("raf"), env.signIn("sol")

	env.at("2026-03-02 10:00")
	raf.open("/productions/dry-creek/concerns")
	raf.look("concerns")
	raf.set("#c-text", "the second unit is skipping the safety meeting")
	raf.set("#c-cat", "conduct")
	raf.set("#c-sev", "high")
	raf.check("#c-anon")
	raf.click("form:has(#c-text) button")
	code := strings.TrimSpace(raf.text("#receipt-code"))
	if len(code) < 20 {
		t.Fatalf("receipt code %q: want a long random code", code)
	}
	raf.look("receipt-shown")
	raf.open("/productions/dry-creek/concerns")
	if raf.has(`a[href$="/concerns/concern-1"]`) {
		t.Error("the anonymous concern is listed as raf's own")
	}

	env.at("2026-03-02 10:30")
	sol.open("/productions/dry-creek/concerns/concern-1")
	sol.contains("#live-concern", "anonymous", "the second unit is skipping the safety meeting")
	if strings.Contains(sol.text("#live-concern"), "Raf") {
		t.Error("the safety officer's page names the anonymous reporter")
	}
	sol.set("#res-action", "second unit AD briefed; the meeting is now on the call sheet")
	sol.click("form:has(#res-action) button")
	sol.done("concern.resolve")
	sol.look("anonymous-resolved")

	env.at("2026-03-02 11:00")
	anyone := env.anonymous("the holder of the receipt")
	anyone.open("/receipt?production=dry-creek")
	anyone.look("receipt-form")
	anyone.set("#r-code", code)
	anyone.click("form:has(#r-code) button")
	anyone.contains("main", "resolved", "the second unit is skipping the safety meeting", "second unit AD briefed")
	anyone.look("receipt-status")
	anyone.click(`form:has(input[name="reopen"]) button`)
	anyone.contains("#flash", "Concern reopened")
	anyone.contains("main", "open, escalation level 1")

	anyone.set("#r-code", "NOT-A-REAL-RECEIPT-CODE")
	anyone.click("form:has(#r-code) button")
	anyone.contains("#flash", "No concern matches")
}
