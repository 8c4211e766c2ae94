package rules

import (
	"sort"
	"time"
)

// Overview is a production's state as its people read it: what is on hold and who may
// lift it, where every firearm is, what ammunition there is, what concerns and
// incidents are open. It is a copy: it shares nothing with the State. Anonymous
// concerns carry no reporter.
type Overview struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Timezone  string         `json:"timezone"`
	Risk      Risk           `json:"risk"`
	Holds     []HoldView     `json:"holds"` // production and firearm holds, table order
	Flags     []FlagView     `json:"flags"` // active flags, in the order raised
	Firearms  []FirearmView  `json:"firearms"`
	Lots      []LotView      `json:"lots"`
	Concerns  []ConcernView  `json:"concerns"`
	Incidents []IncidentView `json:"incidents"`
	People    []PersonView   `json:"people"`
}

// HoldView is one active hold.
type HoldView struct {
	ID       string    `json:"id"`
	Firearm  string    `json:"firearm,omitempty"` // set for a hold on one firearm
	Ref      string    `json:"ref,omitempty"`     // the incident or concern that placed it
	Since    time.Time `json:"since"`
	LiftedBy string    `json:"lifted_by"` // who may lift it, in words (RULES.md "Hold reasons")
	Override bool      `json:"producer_override"`
}

// FlagView is one active flag.
type FlagView struct {
	Rule        string     `json:"rule"`
	Subject     string     `json:"subject"`
	Ref         string     `json:"ref,omitempty"`
	FirearmFlag bool       `json:"firearm_flag"`
	Raised      time.Time  `json:"raised"`
	Expires     *time.Time `json:"expires,omitempty"`
}

// FirearmView is one registered firearm: who holds it and its last recorded load.
type FirearmView struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	Capability  string     `json:"capability"`
	Holder      string     `json:"holder"`                 // person id, or "armory"
	HandingTo   string     `json:"handing_to,omitempty"`   // hand-over waiting for firearm.accept
	InspectedAt *time.Time `json:"inspected_at,omitempty"` // the armorer's last inspection
	Load        string     `json:"load,omitempty"`
	Lot         string     `json:"lot,omitempty"`
	Rounds      int        `json:"rounds,omitempty"`
	Holds       []string   `json:"holds"`
}

// LotView is one lot of ammunition with its counts.
type LotView struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Caliber  string `json:"caliber"`
	Received int    `json:"received"`
	Expended int    `json:"expended"`
	Disposed int    `json:"disposed"`
	OnHand   int    `json:"on_hand"` // received - expended - disposed
	Verified bool   `json:"verified"`
	Supplier string `json:"supplier,omitempty"`
	Receipt  string `json:"receipt,omitempty"`
}

// ConcernView is one concern with its escalation level and, while it is open, the
// deadlines of concern-sla still ahead of it.
type ConcernView struct {
	ID           string     `json:"id"`
	Category     string     `json:"category"`
	Severity     string     `json:"severity"`
	Status       string     `json:"status"` // open, resolved, dismissed
	Level        int        `json:"level"`
	Acknowledged bool       `json:"acknowledged"`
	Anonymous    bool       `json:"anonymous"`
	Reporter     string     `json:"reporter,omitempty"` // never set for an anonymous concern
	Since        time.Time  `json:"since"`              // filed, or reopened
	AckBy        *time.Time `json:"ack_by,omitempty"`
	ResolveBy    *time.Time `json:"resolve_by,omitempty"`
	ExternalBy   *time.Time `json:"external_by,omitempty"` // level 4: outside the production
}

// IncidentView is one incident.
type IncidentView struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Serious bool      `json:"serious"`
	Open    bool      `json:"open"`
	Opened  time.Time `json:"opened"`
}

// PersonView is one person on the production and their roles.
type PersonView struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Roles          []string           `json:"roles"`
	Department     string             `json:"department,omitempty"`
	DepartmentHead bool               `json:"department_head,omitempty"`
	CertifiedUntil string             `json:"certified_until,omitempty"`
	Training       map[string]float64 `json:"training,omitempty"`
}

// Overview copies the state for reading. Like the other read methods it may run
// concurrently with Decide and Tick, not with Apply.
func (s *State) Overview() Overview {
	o := Overview{
		ID: s.prod.ID, Name: s.prod.Name, Timezone: s.prod.Timezone, Risk: s.Risk(),
		Holds: []HoldView{}, Flags: []FlagView{}, Firearms: []FirearmView{}, Lots: []LotView{},
		Concerns: []ConcernView{}, Incidents: []IncidentView{}, People: []PersonView{},
	}
	for _, h := range s.holds {
		o.Holds = append(o.Holds, holdView(h))
	}
	for _, f := range s.guns {
		for _, h := range f.Holds {
			h.Firearm = f.ID
			o.Holds = append(o.Holds, holdView(h))
		}
	}
	sort.SliceStable(o.Holds, func(i, j int) bool { return holdOrder[o.Holds[i].ID] < holdOrder[o.Holds[j].ID] })
	for _, n := range sortedKeys(s.flags) {
		f := s.flags[n]
		o.Flags = append(o.Flags, FlagView{Rule: f.Rule, Subject: f.Subject, Ref: f.Ref, FirearmFlag: f.FirearmFlag, Raised: f.At, Expires: timePtr(f.Expires)})
	}
	for _, f := range s.guns {
		fv := FirearmView{ID: f.ID, Type: f.Type, Capability: f.Capability, Holder: s.Holder(f.ID), HandingTo: f.PendingTo, Holds: s.FirearmHolds(f.ID)}
		if f.Inspected {
			fv.InspectedAt, fv.Load, fv.Lot, fv.Rounds = timePtr(f.InspectedAt), f.Load, f.Lot, f.Rounds
		}
		o.Firearms = append(o.Firearms, fv)
	}
	for _, l := range s.lotList {
		o.Lots = append(o.Lots, LotView{ID: l.ID, Kind: l.Kind, Caliber: l.Caliber, Received: l.Count, Expended: l.Expended,
			Disposed: l.Disposed, OnHand: l.Count - l.Expended - l.Disposed, Verified: l.Verified, Supplier: l.Supplier, Receipt: l.Receipt})
	}
	for _, id := range sortedKeys(s.concerns) {
		o.Concerns = append(o.Concerns, concernView(s.concerns[id]))
	}
	for _, id := range sortedKeys(s.incidents) {
		i := s.incidents[id]
		o.Incidents = append(o.Incidents, IncidentView{ID: i.ID, Kind: i.Kind, Serious: i.Serious, Open: i.Open, Opened: i.At})
	}
	for _, id := range sortedKeys(s.people) {
		p := s.people[id]
		pv := PersonView{ID: p.ID, Name: p.Name, Roles: sortedKeys(p.Roles), Department: p.Department, DepartmentHead: p.Head, CertifiedUntil: p.CertUntil}
		if len(p.Training) > 0 {
			pv.Training = make(map[string]float64, len(p.Training))
			for k, v := range p.Training {
				pv.Training[k] = v
			}
		}
		o.People = append(o.People, pv)
	}
	return o
}

// liftedBy says who lifts each hold, as the table "Hold reasons" of RULES.md does.
var liftedBy = map[string]string{
	NoLiveAmmo:         "the safety officer, by closing the live-round incident with findings and corrective actions",
	DischargeStopsWork: "the safety officer, by closing the discharge incident with findings and corrective actions",
	CriticalConcern:    "acknowledging, resolving or dismissing the concern (a producer, the safety officer or the reporter's department head)",
	RiskRedHold:        "the safety officer (hold.clear) once the level is no longer red, or a producer (hold.override, with a written reason)",
	SecureAtBreak:      "the armorer, by inspecting the firearm again",
}

func holdView(h hold) HoldView {
	return HoldView{ID: h.ID, Firearm: h.Firearm, Ref: h.Ref, Since: h.At, LiftedBy: liftedBy[h.ID], Override: h.ID == RiskRedHold}
}

func concernView(c *concern) ConcernView {
	v := ConcernView{ID: c.ID, Category: c.Category, Severity: c.Severity, Status: c.Status, Level: c.Level,
		Acknowledged: c.Acked, Anonymous: c.ReceiptHash != "", Since: c.Since}
	if !v.Anonymous {
		v.Reporter = c.Reporter
	}
	if c.Status != "open" {
		return v
	}
	t := sla[c.Severity]
	if !c.Acked && c.Level < 2 {
		v.AckBy = timePtr(c.Since.Add(t.ack))
	}
	if c.Level < 3 {
		v.ResolveBy = timePtr(c.Since.Add(t.resolve))
	}
	if c.Level < 4 {
		v.ExternalBy = timePtr(c.Since.Add(2 * t.resolve))
	}
	return v
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
