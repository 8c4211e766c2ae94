package server

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserAdminCreatesAndInvites: the studio admin creates a production and invites
// its producer and safety officer through the pages; a refused invitation shows the
// rule in words and keeps what was typed.
func TestBrowserAdminCreatesAndInvites(t *testing.T) {
	env := newWebEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	admin := env.signIn("admin")
	admin.open("/admin")
	admin.contains("main", "Dry Creek", "Create a production")
	admin.look("admin")

	admin.set("#prod-name", "High Mesa")
	admin.set("#prod-id", "high-mesa")
	admin.set("#prod-tz", "America/Denver")
	admin.check("#dual-refuse")
	admin.click("form:has(#prod-id) button")
	admin.done("production.create")
	admin.contains("#flash", "Production High Mesa created")
	admin.contains("#live-risk", "Risk green")
	admin.look("people-new-production")

	admin.set("#inv-name", "Lou Grant")
	admin.set("#inv-email", "lou@high-mesa.test")
	admin.check("#inv-role-producer")
	admin.click("form:has(#inv-email) button")
	admin.done("invite lou")
	admin.contains("main", "Lou Grant", "lou@high-mesa.test", "producer")
	if link := admin.text("#password-link"); !strings.HasPrefix(link, env.url+"/password/") {
		t.Errorf("the invitation shows %q, want Lou's link to set a password", link)
	}
	admin.look("people-invited")

	admin.open("/productions/high-mesa/people")
	if admin.has("#invite[open]") {
		t.Error("the invite form is unfolded on a production that has people")
	}
	admin.check("#invite > summary")
	admin.set("#inv-name", "Ari Dell")
	admin.set("#inv-email", "ari@high-mesa.test")
	admin.check("#inv-role-armorer")
	admin.check("#inv-role-actor")
	admin.click("form:has(#inv-email) button")
	admin.contains("#flash", "Not done", "The rule:", "armorer-dual-role", "ari would be armorer and an actor at once")
	if !admin.has(`#inv-name[value="Ari Dell"]`) || !admin.has("#inv-role-armorer:checked") {
		t.Error("the refused invitation lost what was typed")
	}
	admin.look("people-invite-refused")
	admin.check("#inv-role-actor") // untick: an armorer only
	admin.set("#inv-dept", "armory")
	admin.click("form:has(#inv-email) button")
	admin.done("invite ari")

	admin.open("/productions/high-mesa/people")
	admin.contains("#live-people", "Lou Grant", "producer", "Ari Dell", "armorer")
	admin.open("/admin")
	admin.contains("main", "High Mesa", "2 people")
}

// TestBrowserPeopleCertificationTrainingWalkoff: the safety officer records the
// armorer's certification, an actor asks for training twice, a producer grants the
// first and the safety officer denies the second, and a walk-off over safety turns the
// production red, with the reason on everyone's page.
func TestBrowserPeopleCertificationTrainingWalkoff(t *testing.T) {
	env := newWebEnv(t, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)) // 08:00 in Denver

	sol := env.signIn("sol")
	sol.open("/productions/dry-creek/people")
	sol.contains("#live-people", "Ana Ruiz", "armorer", "Kim Lee", "revolver 3 h")
	sol.look("people-sol")
	sol.click(`a.row[href="/productions/dry-creek/people/ana"]`)
	sol.set("#cert-until", "2030-01-31")
	sol.click("form:has(#cert-until) button")
	sol.done("certification.record")
	sol.contains("#live-person", "armorer certification until 2030-01-31")
	sol.contains("section:has(#record-h)", "Armorer certification recorded", "until 2030-01-31")
	sol.look("person-ana")

	kim := env.signIn("kim")
	kim.open("/productions/dry-creek/people")
	if kim.has(`form[action$="/invite"]`) || kim.has("#cert-until") {
		t.Error("kim is offered the invite form")
	}
	kim.click(`a.row[href="/productions/dry-creek/training"]`)
	kim.set("#ask-type", "pistol")
	kim.set("#ask-hours", "2")
	kim.set("#ask-note", "scene 30 has a pistol")
	kim.click("form:has(#ask-hours) button")
	kim.done("training.request pistol")
	kim.set("#ask-type", "rifle")
	kim.set("#ask-hours", "4")
	kim.click("form:has(#ask-hours) button")
	kim.done("training.request rifle")
	kim.contains("#live-waiting", "Kim Lee: 2 h of pistol", "Kim Lee: 4 h of rifle")
	kim.look("training-kim")

	pia := env.signIn("pia")
	pia.open("/productions/dry-creek/people")
	pia.contains("section:has(#training-h)", "2 waiting for your decision")
	pia.open("/productions/dry-creek/training")
	pia.look("training-pia")
	pia.set(`#live-waiting article:has(h3) input[name="s:reason"]`, "the armorer trains Kim on Thursday")
	pia.click(`#live-waiting article form:has(input[value="training.grant"]) button`)
	pia.done("training.grant")
	pia.contains("#live-decided", "granted", "the armorer trains Kim on Thursday")

	sol.open("/productions/dry-creek/training")
	sol.contains("#live-waiting", "4 h of rifle")
	sol.set(`#live-waiting textarea[name="s:reason"]`, "no rifle in this production")
	sol.click(`#live-waiting form:has(input[value="training.deny"]) button`)
	sol.done("training.deny")
	sol.contains("#flash", "Training denied", "training-denied")
	sol.contains("#live-risk", "Risk amber")

	kim.open("/productions/dry-creek/training")
	kim.contains("#live-decided", "pistol · granted", "rifle · denied", "no rifle in this production")
	kim.contains("#live-waiting", "No request is waiting")

	ana := env.signIn("ana")
	ana.open("/productions/dry-creek/training")
	ana.click(`#live-decided a.btn[href$="/people/kim#rec-h"]`)
	ana.set("#rec-type", "pistol")
	ana.set("#rec-hours", "2")
	ana.click("form:has(#rec-hours) button")
	ana.done("training.record")
	ana.contains("#live-person", "revolver 3 h", "pistol 2 h")
	ana.look("person-kim-ana")

	// Nobody is shown a form bound to be refused.
	kim.open("/productions/dry-creek/people/kim")
	if kim.has("#role-producer") {
		t.Error("kim is offered the roles form")
	}

	raf := env.signIn("raf")
	raf.open("/productions/dry-creek/people")
	raf.check("#walkoff > summary")
	raf.check("#wo-dan")
	raf.check("#wo-safety-yes")
	raf.set("#wo-reason", "the scene was rushed without a rehearsal")
	raf.click("form:has(#wo-reason) button")
	raf.done("crew.walkoff")
	raf.contains("#flash", "Walk-off recorded", "walkoff")
	raf.open("/productions/dry-creek")
	raf.contains("#live-risk", "Risk red", "safety walk-off")
	raf.look("walkoff-overview")
	raf.open("/productions/dry-creek/people/dan")
	raf.contains("section:has(#record-h)", "Left the production, citing safety", "rushed without a rehearsal")
	raf.look("person-dan-walkoff")
}
