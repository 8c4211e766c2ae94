package server

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"coldset/internal/rules"
)

// What the pages say: outcomes, rule headlines, times and countdowns in words.

// doneWords says what an accepted action recorded.
var doneWords = map[string]string{
	rules.FirearmRegister:   "Firearm registered.",
	rules.AmmoReceive:       "Lot received.",
	rules.AmmoVerify:        "Lot verified round by round.",
	rules.AmmoProvenance:    "Provenance recorded.",
	rules.AmmoExpend:        "Rounds expended recorded.",
	rules.AmmoDispose:       "Rounds disposed of recorded.",
	rules.AmmoReconcile:     "Count recorded.",
	rules.FirearmInspect:    "Inspection and load recorded.",
	rules.FirearmHandoff:    "Hand-over started. The receiver must check the firearm and confirm what they saw on their own phone.",
	rules.FirearmAccept:     "You hold the firearm now.",
	rules.FirearmRefuse:     "You refused the firearm. The hand-over is cancelled and your reason is on file as a concern.",
	rules.FirearmReturn:     "Firearm back in the armory.",
	rules.FirearmDischarge:  "Discharge recorded.",
	rules.RoundFound:        "Round reported. Stop and tell the armorer and the safety officer.",
	rules.ScenePlan:         "Scene plan accepted.",
	rules.SetCall:           "Call recorded.",
	rules.SafetyMeetingHold: "Safety meeting recorded.",
	rules.BreakStart:        "Break recorded.",
	rules.ConcernFile:       "Concern filed. The safety officer has been told.",
	rules.ConcernAck:        "Concern acknowledged.",
	rules.ConcernResolve:    "Concern resolved with a corrective action.",
	rules.ConcernDismiss:    "Concern dismissed. The dismissal is flagged.",
	rules.ConcernReopen:     "Concern reopened.",
	rules.ConcernReply:      "Reply recorded on the concern's thread.",
	rules.IncidentReport:    "Incident reported.",
	rules.IncidentClose:     "Incident closed.",
	rules.HoldClear:         "Hold cleared.",
	rules.HoldOverride:      "Hold overridden. Your reason is on the record.",
	rules.CrewWalkoff:       "Walk-off recorded.",
	rules.TrainingRequest:   "Training requested.",
	rules.TrainingRecord:    "Training recorded.",

	// The people pages.
	rules.TrainingGrant:       "Training granted. The hours count once trained and recorded.",
	rules.TrainingDeny:        "Training denied. The denial is flagged until the hours are on record.",
	rules.PersonAdd:           "Person added to the production.",
	rules.PersonRoles:         "Roles recorded.",
	rules.CertificationRecord: "Certification recorded.",
}

// ruleTitles are the headlines of refusals: the rule as a person on set says it.
var ruleTitles = map[string]string{
	rules.RoleRequired:              "this is not yours to do",
	rules.ArmorerCertified:          "it needs a certified armorer",
	rules.InspectBeforeHandoff:      "the armorer must inspect the firearm first",
	rules.ShowAndConfirm:            "what you saw is not what the armorer loaded",
	rules.TrainingRequired:          "more training is needed first",
	rules.SafetyMeetingFirst:        "the safety meeting comes first",
	rules.LineOfFire:                "the line of fire is not protected",
	rules.ColdCallVerified:          "the firearm cannot be called cold yet",
	rules.DummyVerified:             "the dummies are not verified",
	rules.KnownSupplier:             "the lot has no supplier and receipt",
	rules.NoLiveAmmo:                "firearm work is stopped: live ammunition",
	rules.DischargeStopsWork:        "firearm work is stopped after a discharge",
	rules.CriticalConcern:           "firearm work is stopped by a critical concern",
	rules.RiskRedHold:               "firearm work is on hold: the risk is red",
	rules.SecureAtBreak:             "this firearm is on hold after a break",
	rules.ConcernResolvedWithAction: "write the corrective action",
	rules.ArmorerDualRole:           "the armorer may hold no other job here",
	rules.Invalid:                   "check the form",
}

func ruleTitle(rule string) string {
	if t := ruleTitles[rule]; t != "" {
		return t
	}
	return rules.Explain(rule)
}

var templateFuncs = template.FuncMap{
	"explain":  rules.Explain,
	"title":    ruleTitle,
	"words":    words,
	"sentence": sentence,
	"capital":  capital,
	"join":     strings.Join,
	"list":     func(xs ...string) []string { return xs },
	"handedTo": func(p *pageData, c incomingCard) incomingForm { return incomingForm{Page: p, Card: c} },
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// capital upper-cases the first letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// words turns an id like "first_ad" or "near-miss" into words.
func words(id string) string { return strings.NewReplacer("_", " ", "-", " ").Replace(id) }

// clock is a time as the production's people read it: local, to the minute; the
// date is added when it is not today.
func clock(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if t.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// deadline is a moment a page counts down to; assets/app.js keeps Left current.
type deadline struct {
	Label   string
	At      string // local time, in words
	ISO     string // for the script
	Left    string // "in 12 min", or "overdue by 3 min"
	Overdue bool
}

func newDeadline(label string, t *time.Time, now time.Time, loc *time.Location) *deadline {
	if t == nil {
		return nil
	}
	d := t.Sub(now)
	dl := &deadline{Label: label, At: clock(*t, now, loc), ISO: t.UTC().Format(time.RFC3339), Overdue: d < 0}
	if d < 0 {
		dl.Left = "overdue by " + span(-d)
	} else {
		dl.Left = "in " + span(d)
	}
	return dl
}

// within says a deadline of concern-sla as a reporter reads it: "15 minutes",
// "the hour", "a day".
func within(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "the hour"
	case d == 24*time.Hour:
		return "a day"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d hours", int(d/time.Hour))
}

// span says a duration to the minute, in the largest units that fit.
func span(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m < 48*60:
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
	return fmt.Sprintf("%d days %d h", m/(24*60), (m/60)%24)
}
