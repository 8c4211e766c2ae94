package server

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCleanDay does the clean day of clean-day.yaml through the pages, each
// step by the person it names on their own phone, with the server clock at the
// step's time: nothing is refused, nothing is flagged, the level stays green.
func TestBrowserCleanDay(t *testing.T) {
	env := newWebEnv(t, time.Date(2026, 3, 2, 12, 30, 0, 0, time.UTC)) // 05:30 in Denver
	const day = "2026-03-02 "
	ana, dan, kim, raf, sol := env.signIn("ana"), env.signIn("dan"), env.signIn("kim"), env.signIn("raf"), env.signIn("sol")

	env.at(day + "05:45")
	ana.open("/productions/dry-creek/armory")
	ana.look("armory-empty")
	ana.set("#reg-id", "colt-1")
	ana.set("#reg-serial", "K12345")
	ana.set("#reg-type", "revolver")
	ana.set("#reg-cap", "blank_fire")
	ana.click("form:has(#reg-id) button")
	ana.done("firearm.register")
	for _, lot := range []struct{ id, kind, count, receipt string }{{"blanks-1", "blank", "60", "R-88"}, {"dummies-1", "dummy", "12", "R-89"}} {
		ana.set("#rcv-lot", lot.id)
		ana.set("#rcv-kind", lot.kind)
		ana.set("#rcv-cal", ".45 Colt")
		ana.set("#rcv-count", lot.count)
		ana.set("#rcv-sup", "Acme Prop Rentals")
		ana.set("#rcv-rcpt", lot.receipt)
		ana.click("form:has(#rcv-lot) button")
		ana.done("ammo.receive " + lot.id)
	}
	ana.open("/productions/dry-creek/lots/dummies-1")
	ana.set("#ver-method", "rattle")
	ana.set("#ver-count", "12")
	ana.click("form:has(#ver-count) button")
	ana.done("ammo.verify")
	ana.look("lot")

	env.at(day + "06:30")
	dan.open("/productions/dry-creek/day")
	for _, p := range []string{"ana", "dan", "kim", "raf", "sol"} {
		dan.check("#att-" + p)
	}
	dan.set("#topics", "blank fire in scene 12\nshields and remote monitor\nabort word")
	dan.click("form:has(#topics) button")
	dan.done("safety_meeting.hold")

	env.at(day + "08:00")
	dan.set("#plan-scene", "12")
	dan.check("#pf-colt-1")
	dan.set("#plan-toward", "camera")
	dan.check("#pp-shields")
	dan.check("#pp-remote")
	dan.click("form:has(#plan-scene) button")
	dan.done("scene.plan")

	// Rehearsal with dummies: inspected, shown, called cold.
	env.at(day + "08:10")
	ana.inspect("dummy", "dummies-1", "6")
	dan.call("cold")

	// Kim's phone is open on her page: the hand-over appears there by itself.
	kim.open("/productions/dry-creek")
	env.at(day + "08:12")
	ana.handOver("kim")
	kim.waitFor("#live-incoming form")
	kim.look("handed-to-kim")
	env.at(day + "08:13")
	kim.accept("dummy", "6")
	kim.contains("#live-holding", "colt-1")
	kim.look("kim-holds")

	env.at(day + "08:40")
	ana.receiveBack()

	// The take with blanks.
	env.at(day + "09:30")
	ana.inspect("blank", "blanks-1", "5")
	dan.call("hot")
	env.at(day + "09:32")
	ana.handOver("kim")
	env.at(day + "09:33")
	kim.open("/productions/dry-creek")
	kim.accept("blank", "5")
	env.at(day + "09:35")
	kim.open("/productions/dry-creek/firearms/colt-1")
	kim.look("firearm-kim")
	kim.check("#dis-yes")
	kim.click("form:has(#dis-yes) button")
	kim.done("firearm.discharge")
	kim.contains("#live-risk", "Risk green")
	env.at(day + "09:36")
	ana.receiveBack()
	ana.open("/productions/dry-creek/lots/blanks-1")
	ana.set("#exp-count", "5")
	ana.click(`button[value="ammo.expend"]`)
	ana.done("ammo.expend")

	// A concern, answered in time with an action.
	env.at(day + "10:00")
	raf.open("/productions/dry-creek/concerns")
	raf.set("#c-text", "the shield reflects the key light into the lens")
	raf.set("#c-cat", "equipment")
	raf.set("#c-sev", "high")
	raf.click("form:has(#c-text) button")
	raf.done("concern.file")
	raf.contains("#flash", "level 1")
	raf.look("concern-filed")

	env.at(day + "10:20")
	sol.open("/productions/dry-creek/safety")
	sol.contains("#live-concerns", "concern-1", "in 40 min")
	sol.look("safety-open-concern")
	sol.open("/productions/dry-creek/concerns/concern-1")
	sol.contains("#live-concern", "the shield reflects the key light into the lens")
	sol.set("#ack-note", "looking at it")
	sol.click("form:has(#ack-note) button")
	sol.done("concern.ack")
	env.at(day + "11:00")
	sol.set("#res-action", "matte film applied to the shield; checked with the camera team")
	sol.click("form:has(#res-action) button")
	sol.done("concern.resolve")
	sol.look("concern-resolved")

	env.at(day + "12:30")
	dan.open("/productions/dry-creek/day")
	dan.click(`button[value="meal"]`)
	dan.done("break.start meal")

	env.at(day + "18:00")
	for _, lot := range []struct{ id, counted string }{{"blanks-1", "55"}, {"dummies-1", "12"}} {
		ana.open("/productions/dry-creek/lots/" + lot.id)
		ana.set("#rec-counted", lot.counted)
		ana.click("form:has(#rec-counted) button")
		ana.done("ammo.reconcile " + lot.id)
	}
	dan.open("/productions/dry-creek/day")
	dan.click(`button[value="wrap"]`)
	dan.done("break.start wrap")
	dan.contains("#live-risk", "Risk green")
	dan.look("day-wrapped")
	ana.open("/productions/dry-creek/armory")
	ana.contains("#live-out", "Every firearm is in the armory")
	ana.look("armory-wrapped")
	ana.open("/productions/dry-creek/labels")
	ana.look("labels")

	env.at("2026-03-04 12:00")
	sol.open("/productions/dry-creek/safety")
	sol.contains("#live-level", "Risk level: green")
	sol.contains("#live-holds", "No holds")
	sol.contains("#live-flags", "No active flags")
	sol.look("safety-two-days-later")
}

func (b *tab) inspect(load, lot, rounds string) {
	b.env.t.Helper()
	b.open("/productions/dry-creek/firearms/colt-1")
	b.set("#ins-load", load)
	b.set("#ins-lot", lot)
	b.set("#ins-rounds", rounds)
	b.click("form:has(#ins-load) button")
	b.done("firearm.inspect " + load)
}

func (b *tab) call(call string) {
	b.env.t.Helper()
	b.open("/productions/dry-creek/day")
	b.set("#call-firearm", "colt-1")
	b.set("#call-scene", "12")
	b.click(`button[value="` + call + `"]`)
	b.done("set.call " + call)
}

func (b *tab) handOver(to string) {
	b.env.t.Helper()
	b.tryHandOver(to)
	b.done("firearm.handoff to " + to)
}

// tryHandOver submits the hand-over form, whatever comes of it.
func (b *tab) tryHandOver(to string) {
	b.env.t.Helper()
	b.open("/productions/dry-creek/firearms/colt-1")
	b.set("#to", to)
	b.click("form:has(#to) button")
}

func (b *tab) accept(load, rounds string) {
	b.env.t.Helper()
	b.check("#seen-colt-1-" + load)
	b.set("#rounds-colt-1", rounds)
	b.click("form:has(#rounds-colt-1) button")
	b.done("firearm.accept")
}

func (b *tab) receiveBack() {
	b.env.t.Helper()
	b.open("/productions/dry-creek/firearms/colt-1")
	b.click(`form:has(input[value="firearm.return"]) button`)
	b.done("firearm.return")
}

// waitFor waits until an element matching sel is on the page, as a live update
// brings it.
func (b *tab) waitFor(sel string) {
	b.env.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.env.t.Fatalf("%s: %s never appeared: %v", b.name, sel, err)
	}
}
