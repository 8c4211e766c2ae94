package rules

import (
	"fmt"
	"strings"
)

// Holds: refusing firearm work while one is active, and lifting risk-red-hold.

// holdRefusal names the first active hold that stops work with firearm f: production
// holds in the order of the table "Hold reasons" (the earliest placed first when two
// share an id), then the holds on the firearm itself.
func (d *decision) holdRefusal(f *firearm) *refusal {
	if h, ok := firstHold(d.s.holds); ok {
		return refuse(h.ID, "%s", d.s.holdWords(h))
	}
	if h, ok := firstHold(f.Holds); ok {
		return refuse(h.ID, "%s", d.s.holdWords(h))
	}
	return nil
}

func firstHold(hs []hold) (hold, bool) {
	best := -1
	for i, h := range hs {
		if best < 0 || holdOrder[h.ID] < holdOrder[hs[best].ID] {
			best = i
		}
	}
	if best < 0 {
		return hold{}, false
	}
	return hs[best], true
}

func (s *State) holdWords(h hold) string {
	switch h.ID {
	case NoLiveAmmo:
		return fmt.Sprintf("firearm work is stopped: a live or unidentified round was found (incident %s); only the safety officer closing that incident with findings and corrective actions lifts this hold", h.Ref)
	case DischargeStopsWork:
		return fmt.Sprintf("firearm work is stopped: an unplanned discharge (incident %s); only the safety officer closing that incident with findings and corrective actions lifts this hold", h.Ref)
	case CriticalConcern:
		return fmt.Sprintf("firearm work is stopped: critical firearms concern %s is open; it must be acknowledged, resolved or dismissed first", h.Ref)
	case RiskRedHold:
		return "firearm work is on hold because the risk level became red (" + strings.Join(s.Risk().Reasons, "; ") +
			"); the safety officer clears the hold once the level is no longer red (hold.clear), or a producer overrides it with a written reason (hold.override)"
	case SecureAtBreak:
		return fmt.Sprintf("firearm %s is on hold: it was out of the armory at a break (incident %s); the armorer must inspect it again", h.Firearm, h.Ref)
	}
	return h.ID + " is in force"
}

func (d *decision) decideHoldClear() *refusal {
	r := readWith(d.cmd.With)
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.permitted(); ref != nil {
		return ref
	}
	if d.s.risk.red() {
		return refuse(RiskRedHold, "the risk level is red (%s); the hold can be cleared only once it is no longer red", strings.Join(d.s.Risk().Reasons, "; "))
	}
	d.emit(HoldClear, &HoldActionData{})
	if d.s.risk.placed {
		d.rule(EventHoldLift, &HoldData{Hold: RiskRedHold, By: d.cmd.Do})
	}
	return nil
}

func (d *decision) decideHoldOverride() *refusal {
	r := readWith(d.cmd.With, "reason")
	p := HoldActionData{Reason: r.text("reason")}
	if r.bad != nil {
		return r.bad
	}
	me, ref := d.permitted()
	if ref != nil {
		return ref
	}
	if !d.s.risk.placed {
		return invalid("do", "risk-red-hold is not placed, so there is nothing to override (no-live-ammo, discharge-stops-work and critical-concern cannot be overridden)")
	}
	d.emit(HoldOverride, &p)
	d.rule(EventHoldLift, &HoldData{Hold: RiskRedHold, By: d.cmd.Do})
	d.raise(Override, me.ID, "", d.now.Add(flagLifetime), fmt.Sprintf("%s overrode risk-red-hold: %s", me.ID, p.Reason))
	return nil
}
