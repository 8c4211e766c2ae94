package rules

// Rule ids of RULES.md. The values are the ids themselves: they appear in every refusal,
// flag, hold, report and scenario expectation, so they never change.
const (
	NoLiveAmmo                = "no-live-ammo"
	DummyVerified             = "dummy-verified"
	KnownSupplier             = "known-supplier"
	ArmorerCertified          = "armorer-certified"
	ArmorerDualRole           = "armorer-dual-role"
	InspectBeforeHandoff      = "inspect-before-handoff"
	ShowAndConfirm            = "show-and-confirm"
	TrainingRequired          = "training-required"
	SafetyMeetingFirst        = "safety-meeting-first"
	LineOfFire                = "line-of-fire"
	ColdCallVerified          = "cold-call-verified"
	SecureAtBreak             = "secure-at-break"
	RoundCount                = "round-count"
	DischargeStopsWork        = "discharge-stops-work"
	ConcernSLA                = "concern-sla"
	ConcernResolvedWithAction = "concern-resolved-with-action"
	AnonymousReporting        = "anonymous-reporting"
	Walkoff                   = "walkoff"
	RiskRedHold               = "risk-red-hold"
	RoleRequired              = "role-required"
	// Invalid names a malformed action, one naming something unknown, or one that is not
	// possible in the current state.
	Invalid = "invalid"
)

// Flags and holds that are not headings of RULES.md.
const (
	TrainingDenied   = "training-denied"
	ConcernDismissed = "concern-dismissed"
	Override         = "override"
	CriticalConcern  = "critical-concern"
)

// Incident kinds. The first five are opened by rules; the last three are reported.
const (
	IncidentLiveRound          = "live-round"
	IncidentUnplannedDischarge = "unplanned-discharge"
	IncidentLoadMismatch       = "load-mismatch"
	IncidentMissingRounds      = "missing-rounds"
	IncidentUnsecuredFirearm   = "unsecured-firearm"
	IncidentInjury             = "injury"
	IncidentNearMiss           = "near-miss"
	IncidentOther              = "other"
)

// seriousKinds are the incident kinds whose being open makes the risk level red.
var seriousKinds = map[string]bool{
	IncidentLiveRound:          true,
	IncidentUnplannedDischarge: true,
	IncidentLoadMismatch:       true,
	IncidentMissingRounds:      true,
	IncidentInjury:             true,
}

// Serious reports whether an incident of this kind is serious (RULES.md "Incidents").
func Serious(kind string) bool { return seriousKinds[kind] }

// holdOrder is the order of the table "Hold reasons": refusals name the first active
// hold in this order, and Holds lists them in it.
var holdOrder = map[string]int{
	NoLiveAmmo:         0,
	DischargeStopsWork: 1,
	CriticalConcern:    2,
	RiskRedHold:        3,
	SecureAtBreak:      4,
}

// firearmFlagRules are the flags that count toward "three or more active firearm flags";
// concern-dismissed counts only for a concern of category firearms.
var firearmFlagRules = map[string]bool{
	KnownSupplier:   true,
	ArmorerDualRole: true,
	TrainingDenied:  true,
	SecureAtBreak:   true,
	RoundCount:      true,
}

var explanations = map[string]string{
	NoLiveAmmo:                "Live ammunition is never received, stored or used. A live or unidentified round found anywhere opens a live-round incident and stops all firearm work until the safety officer closes it with findings and corrective actions.",
	DummyVerified:             "A dummy lot must be verified round by round by the armorer, with the lot's full count, before any round of it is loaded.",
	KnownSupplier:             "Every lot needs a named supplier and a receipt. A lot without them is flagged and cannot be loaded until the armorer records its provenance.",
	ArmorerCertified:          "Only an armorer with an unexpired certification may do the armorer's work or hand a firearm out of the armory.",
	ArmorerDualRole:           "An armorer who also holds another job on the production (other than investigator) is flagged, or refused where the production is set to refuse.",
	InspectBeforeHandoff:      "A firearm leaves the armory or changes hands only within the inspection window after the armorer inspected it and recorded its load, with no one but an armorer holding it since.",
	ShowAndConfirm:            "Custody moves only when the receiver checks the firearm themselves and declares the load and round count the armorer recorded; a different declaration cancels the hand-over and opens a load-mismatch incident.",
	TrainingRequired:          "A firearm is handed only to a person with the required hours of training for its type on record, and blank-fire training too when it is loaded with blanks.",
	SafetyMeetingFirst:        "No firearm leaves the armory on a day without a safety meeting earlier that day, and only people who attended it may receive one.",
	LineOfFire:                "A scene that points a firing-capable firearm toward the camera or a person needs shields and a remote monitor, or (blank fire only) at least the minimum distance; a hot call needs the scene's accepted plan to list the firearm.",
	ColdCallVerified:          "A firearm is called cold only after the armorer inspected it since its last change of custody and recorded it empty or loaded with verified dummies.",
	SecureAtBreak:             "At a meal break or wrap every firearm must be in the armory; one that is not is flagged, opens an unsecured-firearm incident and is held until the armorer inspects it again.",
	RoundCount:                "Each lot opened on a day is counted before wrap; a count that does not match what was received, expended and disposed is flagged and opens a missing-rounds incident.",
	DischargeStopsWork:        "An unplanned discharge opens an incident and stops all firearm work until the safety officer closes the incident; no producer can override it.",
	ConcernSLA:                "Every concern must be acknowledged and resolved within its severity's deadlines; each deadline missed escalates it further up, up to people outside the production.",
	ConcernResolvedWithAction: "A concern is resolved only with a written corrective action; closing it without one is a dismissal, which is flagged.",
	AnonymousReporting:        "A concern may be filed anonymously: no identity is stored, and the receipt code is the only way back to it.",
	Walkoff:                   "Crew leaving the production citing safety is flagged and makes the risk level red for seven days.",
	RiskRedHold:               "When the risk level is red, firearm work stops until the safety officer clears the hold once the level is no longer red, or a producer overrides it with a written reason.",
	RoleRequired:              "Each action may be done only by a person on the production whose role permits it.",
	Invalid:                   "The action was malformed, named something unknown, or is not possible in the current state.",
	TrainingDenied:            "A request for firearms training was denied; the flag stays until the person has the requested hours on record.",
	ConcernDismissed:          "A concern was closed without a corrective action; the flag stays for seven days.",
	Override:                  "A producer overrode the red-risk hold and chose to continue; the flag stays for seven days and in every report.",
	CriticalConcern:           "A critical firearms concern stops firearm work until it is acknowledged, resolved or dismissed.",
}

// Explain returns the rule, flag or hold id in plain words, or "" for an unknown id.
func Explain(rule string) string { return explanations[rule] }
