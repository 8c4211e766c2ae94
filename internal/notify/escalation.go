package notify

import (
	"fmt"
	"strings"
	"time"

	"coldset/internal/rules"
)

// levelWords says, for each level of concern-sla, why the concern reached it and
// what the people it reaches should do.
var levelWords = map[int]struct{ why, todo string }{
	1: {"it was filed (or reopened); the safety officer and the reporter's department head hear of it at once",
		"acknowledge it (concern.ack) before the acknowledge deadline, then resolve it with a written corrective action (concern.resolve), or dismiss it with a reason (concern.dismiss, which is flagged)"},
	2: {"its acknowledge deadline passed and nobody acknowledged it; the producers are now told",
		"acknowledge it now (concern.ack) and see that it is resolved with a written corrective action (concern.resolve) before the resolve deadline"},
	3: {"its resolve deadline passed and it is still not resolved; every producer and the studio safety contact are now told, and the production's risk level is red",
		"resolve it now with a written corrective action (concern.resolve), or dismiss it with a reason (concern.dismiss); firearm work is on hold while the level is red"},
	4: {"twice its resolve time passed and it is still not resolved; it now goes to the people outside the production (the union safety representative and the witnesses)",
		"the production has left this concern unresolved for twice its resolve time: ask its safety officer and producers what is being done; the ledger keeps the record of who was told and when"},
}

// escalationNotice tells of a concern reaching a level. The reporter of an anonymous
// concern is not named: the state keeps no identity for them, and nor do messages.
func escalationNotice(p rules.EscalationData, v *rules.Overview, texts map[string]string) *notice {
	var c rules.ConcernView
	for _, cv := range v.Concerns {
		if cv.ID == p.Concern {
			c = cv
		}
	}
	words := levelWords[min(max(p.Level, 1), 4)]
	if p.Level == 1 && c.Anonymous {
		words.why = "it was filed (or reopened) anonymously; the safety officer alone hears of it at once"
	}
	n := &notice{
		Subject: fmt.Sprintf("CONCERN %s (%s, %s) at escalation level %d", p.Concern, c.Category, c.Severity, p.Level),
		People:  p.People,
		Roles:   p.Roles,
	}
	reporter := "filed anonymously: no identity of the reporter is on record"
	if !c.Anonymous {
		reporter = "filed by " + name(v, c.Reporter)
	}
	n.Lines = []string{
		fmt.Sprintf("A safety concern on %s has reached escalation level %d of 4: %s.", v.Name, p.Level, words.why),
		"",
		"Concern:  " + p.Concern,
		"Category: " + c.Category,
		"Severity: " + c.Severity,
		"Since:    " + localTime(v, c.Since) + " (" + reporter + ")",
		"What was reported:",
	}
	for _, l := range strings.Split(texts[p.Concern], "\n") {
		n.Lines = append(n.Lines, "    "+l)
	}
	deadlines := map[string]any{}
	n.Lines = append(n.Lines, "", "Deadlines still ahead:")
	ahead := false
	for _, d := range []struct {
		key, words string
		at         *time.Time
	}{
		{"acknowledge_by", "acknowledge by %s, or the producers are told (level 2)", c.AckBy},
		{"resolve_by", "resolve by %s, or every producer and the studio safety contact are told (level 3)", c.ResolveBy},
		{"external_by", "resolved by %s, or the union safety representative and the witnesses are told (level 4)", c.ExternalBy},
	} {
		if d.at != nil {
			n.Lines = append(n.Lines, "    "+fmt.Sprintf(d.words, localTime(v, *d.at)))
			deadlines[d.key] = d.at.UTC()
			ahead = true
		}
	}
	if !ahead {
		n.Lines = append(n.Lines, "    none: every level has been reached")
	}
	n.Lines = append(n.Lines, "", "What to do: "+words.todo+".")
	concern := map[string]any{"id": p.Concern, "category": c.Category, "severity": c.Severity, "text": texts[p.Concern],
		"since": c.Since.UTC(), "anonymous": c.Anonymous, "acknowledged": c.Acknowledged, "deadlines": deadlines}
	if !c.Anonymous {
		concern["reporter"] = c.Reporter
	}
	n.Facts = map[string]any{"level": p.Level, "roles": p.Roles, "concern": concern}
	return n
}
