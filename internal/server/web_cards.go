package server

import (
	"fmt"

	"coldset/internal/rules"
)

// Cards: the typed views of one firearm, lot, hold, concern or incident that several
// pages show, with their times and words prepared for the production's people.

type firearmCard struct {
	rules.FirearmView
	Href      string
	Holder    string // a name, or "the armory"
	HandingTo string // a name, while a hand-over waits
	Load      string // the armorer's last recorded load, in words
	Inspected string // when, or ""
	Holds     []string
	InArmory  bool
}

func (c *webCtx) firearmCard(f rules.FirearmView) firearmCard {
	fc := firearmCard{FirearmView: f, Href: "/productions/" + c.ov.ID + "/firearms/" + f.ID, Holder: c.name(f.Holder), InArmory: f.Holder == "armory"}
	if f.HandingTo != "" {
		fc.HandingTo = c.name(f.HandingTo)
	}
	if f.InspectedAt != nil {
		fc.Inspected = clock(*f.InspectedAt, c.now, c.loc)
		fc.Load = loadWords(f.Load, f.Lot, f.Rounds)
	}
	for _, h := range f.Holds {
		fc.Holds = append(fc.Holds, ruleTitle(h))
	}
	return fc
}

func loadWords(load, lot string, rounds int) string {
	if load == "" || load == "empty" {
		return "empty"
	}
	return fmt.Sprintf("%d %s rounds from lot %s", rounds, load, lot)
}

// incomingCard is a firearm being handed to the viewer, to check and accept or to
// refuse (show-and-confirm). Pages that show several keep its element ids apart.
type incomingCard struct {
	Firearm   string
	Action    string // where its forms post
	Title     string
	From      string // who hands it over, in words; "" where the page names the firearm already
	SeenID    string // the load choices' ids: SeenID followed by the load
	RoundsID  string
	ReasonID  string
	MaxRounds int // 0 for no upper bound
}

// incomingCard is f as a person's own page lists it among several.
func (c *webCtx) incomingCard(f firearmCard) incomingCard {
	from := f.Holder
	if f.InArmory {
		from = "The armorer"
	}
	return incomingCard{Firearm: f.ID, Action: "/productions/" + c.ov.ID + "/do", Title: f.ID + " · " + words(f.Type), From: from,
		SeenID: "seen-" + f.ID + "-", RoundsID: "rounds-" + f.ID, ReasonID: "refuse-" + f.ID, MaxRounds: 99}
}

// incomingForm is what the "incoming" partial reads: the card, and the page whose
// form fields (csrf, back) its forms carry.
type incomingForm struct {
	Page *pageData
	Card incomingCard
}

type lotCard struct {
	rules.LotView
	Href string
}

func (c *webCtx) lotCard(l rules.LotView) lotCard {
	return lotCard{LotView: l, Href: "/productions/" + c.ov.ID + "/lots/" + l.ID}
}

type holdCard struct {
	rules.HoldView
	Title string // the hold as a headline
	Words string // the rule in plain words
	Since string
}

func (c *webCtx) holdCards() []holdCard {
	var out []holdCard
	for _, h := range c.ov.Holds {
		t := ruleTitle(h.ID)
		if h.Firearm != "" {
			t = "Firearm " + h.Firearm + " is on hold after a break"
		}
		out = append(out, holdCard{HoldView: h, Title: sentence(t), Words: rules.Explain(h.ID), Since: clock(h.Since, c.now, c.loc)})
	}
	return out
}

type concernCard struct {
	rules.ConcernView
	Href      string
	Reporter  string // a name, "anonymous", or "" for a reporter the viewer may not see
	Filed     string
	Deadlines []*deadline
	Open      bool
}

func (c *webCtx) concernCard(v rules.ConcernView) concernCard {
	cc := concernCard{ConcernView: v, Href: "/productions/" + c.ov.ID + "/concerns/" + v.ID, Filed: clock(v.Since, c.now, c.loc), Open: v.Status == "open"}
	switch {
	case v.Anonymous:
		cc.Reporter = "anonymous"
	default:
		cc.Reporter = c.name(v.Reporter)
	}
	for _, d := range []*deadline{
		newDeadline("acknowledge", v.AckBy, c.now, c.loc),
		newDeadline("resolve", v.ResolveBy, c.now, c.loc),
		newDeadline("goes outside the production", v.ExternalBy, c.now, c.loc),
	} {
		if d != nil {
			cc.Deadlines = append(cc.Deadlines, d)
		}
	}
	return cc
}

// handles reports whether the caller may acknowledge, resolve or dismiss concern v
// (concern-sla's table: producer, safety officer, the reporter's department head).
func (c *webCtx) handles(v rules.ConcernView) bool {
	ok := false
	c.prod.View(func(st *rules.State) { ok = st.MayHandle(c.person, v.ID) })
	return ok
}

type incidentCard struct {
	rules.IncidentView
	Kind   string
	Opened string
}

func (c *webCtx) incidentCards() []incidentCard {
	var out []incidentCard
	for _, i := range c.ov.Incidents {
		out = append(out, c.incidentCard(i))
	}
	return out
}

func (c *webCtx) incidentCard(i rules.IncidentView) incidentCard {
	return incidentCard{IncidentView: i, Kind: sentence(words(i.Kind)), Opened: clock(i.Opened, c.now, c.loc)}
}

// others lists the people other than the caller, for "hand to" and attendee lists.
func (c *webCtx) others() []rules.PersonView {
	var out []rules.PersonView
	for _, p := range c.ov.People {
		if p.ID != c.person {
			out = append(out, p)
		}
	}
	return out
}
