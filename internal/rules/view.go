package rules

import (
	"slices"
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

// Overview copies the state for reading, with every concern and incident ever
// filed: its cost grows with the production's history. Pages and the API read
// OpenOverview instead. Like the other read methods it may run concurrently with
// Decide and Tick, not with Apply.
func (s *State) Overview() Overview {
	o := s.overview()
	for _, id := range sortedKeys(s.concerns) {
		o.Concerns = append(o.Concerns, concernView(s.concerns[id]))
	}
	for _, id := range sortedKeys(s.incidents) {
		o.Incidents = append(o.Incidents, incidentView(s.incidents[id]))
	}
	return o
}

// OpenOverview is Overview with only the open concerns and incidents, by id. Its cost
// grows with what is open and with the production's people, firearms and lots, not
// with its history; closed concerns and incidents are read a page at a time
// (ClosedConcerns, ClosedIncidents), or one by one (Concern).
func (s *State) OpenOverview() Overview {
	o := s.overview()
	for _, id := range s.openIDs {
		o.Concerns = append(o.Concerns, concernView(s.concerns[id]))
	}
	for _, id := range s.openIncIDs {
		o.Incidents = append(o.Incidents, incidentView(s.incidents[id]))
	}
	return o
}

// overview is the part of the overview that does not grow with the history.
func (s *State) overview() Overview {
	o := Overview{
		ID: s.prod.ID, Name: s.prod.Name, Timezone: s.prod.Timezone, Risk: s.Risk(),
		Holds: []HoldView{}, Flags: []FlagView{}, Firearms: []FirearmView{}, Lots: []LotView{},
		Concerns: []ConcernView{}, Incidents: []IncidentView{}, People: make([]PersonView, 0, len(s.peopleIDs)),
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
		fv := FirearmView{ID: f.ID, Type: f.Type, Capability: f.Capability, Holder: s.Holder(f.ID), HandingTo: f.PendingTo, Holds: holdIDs(f.Holds)}
		if f.Inspected {
			fv.InspectedAt, fv.Load, fv.Lot, fv.Rounds = timePtr(f.InspectedAt), f.Load, f.Lot, f.Rounds
		}
		o.Firearms = append(o.Firearms, fv)
	}
	for _, l := range s.lotList {
		o.Lots = append(o.Lots, LotView{ID: l.ID, Kind: l.Kind, Caliber: l.Caliber, Received: l.Count, Expended: l.Expended,
			Disposed: l.Disposed, OnHand: l.Count - l.Expended - l.Disposed, Verified: l.Verified, Supplier: l.Supplier, Receipt: l.Receipt})
	}
	for _, id := range s.peopleIDs {
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

// Concern returns one concern, open or closed, as the overview shows it.
func (s *State) Concern(id string) (ConcernView, bool) {
	if c := s.concerns[id]; c != nil {
		return concernView(c), true
	}
	return ConcernView{}, false
}

// Incident returns one incident, open or closed, as the overview shows it.
func (s *State) Incident(id string) (IncidentView, bool) {
	if in := s.incidents[id]; in != nil {
		return incidentView(in), true
	}
	return IncidentView{}, false
}

// ClosedConcerns lists resolved and dismissed concerns a page at a time, the latest
// filed first: at most limit of them (at least one), from the one filed before the
// concern named after ("" for the latest), and the after of the next page ("" when
// there is none). With reporters given, only concerns those people filed under their
// name are listed; an anonymous concern has no reporter. A page costs its length, the
// concerns open among the reporters' and the number of reporters, not the history.
// An after that names no concern gives an empty page.
func (s *State) ClosedConcerns(reporters []string, after string, limit int) ([]ConcernView, string) {
	lists := [][]*concern{s.filed}
	if reporters != nil {
		lists = lists[:0]
		seen := map[string]bool{}
		for _, r := range reporters {
			if !seen[r] && r != "" {
				seen[r] = true
				lists = append(lists, s.byReporter[r])
			}
		}
	}
	page, next := closedPage(lists, s.concerns, after, limit, func(c *concern) (string, int, bool) { return c.ID, c.seq, c.Status != "open" })
	out := make([]ConcernView, len(page))
	for i, c := range page {
		out[i] = concernView(c)
	}
	return out, next
}

// ClosedIncidents lists closed incidents a page at a time, the latest opened first,
// as ClosedConcerns does concerns.
func (s *State) ClosedIncidents(after string, limit int) ([]IncidentView, string) {
	page, next := closedPage([][]*incident{s.opened}, s.incidents, after, limit, func(in *incident) (string, int, bool) { return in.ID, in.seq, !in.Open })
	out := make([]IncidentView, len(page))
	for i, in := range page {
		out[i] = incidentView(in)
	}
	return out, next
}

// closedPage takes, from lists in seq order, the closed items before the one named
// after, latest first, and the after of the next page. Each list is walked back from
// the cursor only until it gave one more than the page, so the open items it skips
// are the only cost beyond the page.
func closedPage[T any](lists [][]T, byID map[string]T, after string, limit int, key func(T) (id string, seq int, closed bool)) ([]T, string) {
	limit = max(limit, 1)
	seqOf := func(x T) int { _, n, _ := key(x); return n }
	end := -1 // take items with seq below end; -1: all
	if after != "" {
		x, ok := byID[after]
		if !ok {
			return nil, ""
		}
		end = seqOf(x)
	}
	var found []T
	for _, l := range lists {
		i := len(l)
		if end >= 0 {
			i, _ = slices.BinarySearchFunc(l, end, func(x T, n int) int { return seqOf(x) - n })
		}
		for n := 0; i > 0 && n <= limit; {
			i--
			if _, _, closed := key(l[i]); closed {
				found = append(found, l[i])
				n++
			}
		}
	}
	if len(lists) > 1 {
		slices.SortFunc(found, func(a, b T) int { return seqOf(b) - seqOf(a) })
	}
	if len(found) <= limit {
		return found, ""
	}
	found = found[:limit]
	id, _, _ := key(found[limit-1])
	return found, id
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

func incidentView(i *incident) IncidentView {
	return IncidentView{ID: i.ID, Kind: i.Kind, Serious: i.Serious, Open: i.Open, Opened: i.At}
}
