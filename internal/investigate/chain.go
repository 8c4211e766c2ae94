package investigate

import (
	"fmt"
	"slices"
	"strings"

	"coldset/internal/rules"
)

// safeguards are the rules of RULES.md in the order of that file, with the words a
// report uses for them.
var safeguards = []struct{ rule, title string }{
	{rules.NoLiveAmmo, "No live ammunition"},
	{rules.DummyVerified, "Dummy rounds verified round by round"},
	{rules.KnownSupplier, "Every lot from a known supplier, with a receipt"},
	{rules.ArmorerCertified, "Only a certified armorer does the armorer's work"},
	{rules.ArmorerDualRole, "The armorer does no other job"},
	{rules.InspectBeforeHandoff, "Armorer inspects before every hand-over"},
	{rules.ShowAndConfirm, "Receiver checks and confirms the load"},
	{rules.TrainingRequired, "Firearm training before handling"},
	{rules.SafetyMeetingFirst, "Safety meeting before firearm work"},
	{rules.LineOfFire, "No one in the line of fire without protection"},
	{rules.ColdCallVerified, "\"Cold\" only when verified"},
	{rules.SecureAtBreak, "Firearms secured at breaks"},
	{rules.RoundCount, "Rounds counted every day"},
	{rules.DischargeStopsWork, "An unplanned discharge stops work"},
	{rules.ConcernSLA, "Concerns answered in time"},
	{rules.ConcernResolvedWithAction, "Concerns resolved with corrective action"},
	{rules.AnonymousReporting, "Anonymous reporting"},
	{rules.Walkoff, "Crew do not leave over safety"},
	{rules.RiskRedHold, "Work stops when the risk is red"},
	{rules.RoleRequired, "Only the right role acts"},
}

// flagSafeguard maps the flags that are not rule ids to the rule they belong to.
var flagSafeguard = map[string]string{
	rules.TrainingDenied:   rules.TrainingRequired,
	rules.ConcernDismissed: rules.ConcernResolvedWithAction,
	rules.Override:         rules.RiskRedHold,
}

// add files a finding under a safeguard.
func (b *builder) add(rule string, f Finding) {
	s, ok := b.chain[rule]
	if !ok {
		s = &Safeguard{Rule: rule, Title: rule}
		b.chain[rule] = s
	}
	if f.Entries == nil {
		f.Entries = []uint64{f.Index}
	}
	slices.Sort(f.Entries)
	f.Entries = slices.Compact(f.Entries)
	if f.People == nil {
		f.People = []Actor{}
	}
	s.Findings = append(s.Findings, f)
}

// findings files what entry it shows about the safeguards: refusals and flags as
// failures, overrides and dismissals as bypasses, escalations as concerns nobody
// answered, and notifications that reached nobody as safeguards never in place.
func (b *builder) findings(it *Item, p *payload, actor *Person, cause *uint64) {
	f := Finding{Index: it.Index, Time: it.Time.In(b.w.loc), Outcome: Failed, Kind: it.Type}
	acted := func(a *Person) {
		if a != nil {
			f.People = append(f.People, Actor{Person: *a, Part: "acted"})
		}
	}
	named := func(ids ...string) {
		for _, id := range ids {
			if id != "" && b.w.people[id] != nil {
				f.People = append(f.People, Actor{Person: b.w.person(id), Part: "named"})
			}
		}
	}
	causeItem, causeActor, causeType := &noPayload, (*Person)(nil), it.Type
	if cause != nil {
		f.Index = *cause
		f.Entries = []uint64{*cause, it.Index}
		causeItem, causeActor, causeType = b.cause.p, b.cause.actor, b.cause.typ
	}
	switch it.Type {
	case rules.EventRefused:
		if p.Rule == rules.Invalid || p.Rule == "" {
			return
		}
		w := p.WithFields()
		f.Kind, f.Firearm, f.Lot = "refused", w.Firearm, w.Lot
		f.Summary = fmt.Sprintf("%s tried %s; refused: %s", nameOf(actor), p.Do, p.Message)
		acted(actor)
		named(w.To, w.Person)
		named(w.People...)
		b.add(p.Rule, f)
	case rules.EventFlag:
		rule := p.Rule
		if r, ok := flagSafeguard[rule]; ok {
			rule = r
		}
		_, f.Firearm, f.Lot, _ = facets(it, p)
		f.Kind, f.Summary, f.Reason = "flag", p.Message, causeItem.Reason
		switch p.Rule {
		case rules.Override:
			f.Outcome, f.Kind = Bypassed, "override"
			f.Summary = fmt.Sprintf("%s overrode the production hold: %q", nameOf(causeActor), causeItem.Reason)
			if h, ok := b.redHoldAt[f.Index]; ok {
				f.Entries = append(f.Entries, h.index)
				f.Summary += fmt.Sprintf("; the hold (placed at entry %d) stood for: %s", h.index, strings.Join(h.reasons, "; "))
			}
		case rules.ConcernDismissed:
			f.Outcome, f.Kind, f.Concern = Bypassed, "dismissal", p.Subject
			f.Summary = fmt.Sprintf("%s dismissed concern %s without corrective action: %q", nameOf(causeActor), p.Subject, causeItem.Reason)
		}
		acted(causeActor)
		if p.Rule != rules.Override && p.Rule != rules.ConcernDismissed {
			named(strings.Split(p.Subject, ",")...)
		}
		b.add(rule, f)
	case rules.EventIncidentOpen:
		if p.Rule == "" {
			return
		}
		f.Kind, f.Incident, f.Firearm, f.Lot = "incident", p.ID, p.Firearm, p.Lot
		f.Summary = fmt.Sprintf("incident %s opened (%s) after %s by %s", p.ID, p.Kind, causeType, nameOf(causeActor))
		acted(causeActor)
		b.add(p.Rule, f)
	case rules.EventHandoffCancel:
		f.Kind, f.Firearm = "cancel", p.Firearm
		f.Summary = fmt.Sprintf("hand-over of %s to %s cancelled: the load declared did not match the armorer's", p.Firearm, b.w.person(p.To).Name)
		acted(causeActor)
		named(p.To)
		b.add(rules.ShowAndConfirm, f)
	case rules.EventEscalation:
		b.escalation(it, p, f)
	}
}

// noPayload is the payload of no entry; it is only read.
var noPayload payload

// escalation files a concern that went unanswered past a deadline (level 2 and up),
// and a level that reached nobody because no one holds the role it goes to.
func (b *builder) escalation(it *Item, p *payload, f Finding) {
	f.Kind, f.Concern = "escalation", p.Concern
	for _, id := range p.People {
		f.People = append(f.People, Actor{Person: b.w.person(id), Part: "notified"})
	}
	if p.Level >= 2 {
		f.Summary = fmt.Sprintf("concern %s %s: escalated to level %d (%s)", p.Concern, levelWhy[p.Level], p.Level, strings.Join(p.Roles, ", "))
		b.add(rules.ConcernSLA, f)
	}
	var missing []string
	for _, role := range p.Roles {
		if !strings.HasPrefix(role, "department_head:") && len(b.w.withRole(role)) == 0 {
			missing = append(missing, role)
		}
	}
	if len(p.People) == 0 || len(missing) > 0 {
		a := f
		a.Outcome, a.Kind, a.People = Absent, "absent", nil
		a.Summary = fmt.Sprintf("level %d of concern %s went to %s, but no %s is on record", p.Level, p.Concern, strings.Join(p.Roles, ", "), strings.Join(orAll(missing, p.Roles), " or "))
		b.add(rules.ConcernSLA, a)
	}
}

var levelWhy = map[int]string{
	2: "was not acknowledged in time",
	3: "was not resolved in time",
	4: "was still unresolved at twice its resolve time",
}

func orAll(some, all []string) []string {
	if len(some) > 0 {
		return some
	}
	return all
}

func nameOf(p *Person) string {
	switch {
	case p == nil:
		return "coldset"
	case len(p.Roles) > 0:
		return fmt.Sprintf("%s (%s)", p.Name, strings.Join(p.Roles, ", "))
	}
	return p.Name
}
