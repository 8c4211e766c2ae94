package investigate

import (
	"fmt"
	"slices"
	"sort"

	"coldset/internal/rules"
)

// finish completes the report once every entry is folded: the safeguards that were
// never in place, each safeguard's status, the chain in the order the failures
// happened, and the state at the period's end.
func (b *builder) finish(state *rules.State) {
	r := b.rep
	w := b.w
	r.Production = w.production
	r.Title = "Investigation report: " + w.production.Name
	r.Period.From, r.Period.To = b.periodBounds()
	if f := b.opts.Filter; f != (Filter{}) {
		r.Filter = &f
	}
	b.absences()
	b.finishTraces()

	rank := map[string]int{Held: 0, Absent: 1, Failed: 2, Bypassed: 3}
	for _, sg := range safeguards {
		s, ok := b.chain[sg.rule]
		if !ok {
			s = &Safeguard{Rule: sg.rule, Findings: []Finding{}}
		}
		s.Title, s.Status = sg.title, Held
		sort.SliceStable(s.Findings, func(i, j int) bool { return s.Findings[i].Index < s.Findings[j].Index })
		for i := range s.Findings {
			f := &s.Findings[i]
			if rank[f.Outcome] > rank[s.Status] {
				s.Status = f.Outcome
			}
			if c, ok := w.concerns[f.Concern]; ok && f.Concern != "" {
				f.Status = c.Status
			}
			if in, ok := w.incidents[f.Incident]; ok && f.Incident != "" {
				f.Status = in.Status
			}
		}
		if len(s.Findings) > 0 {
			first := s.Findings[0].Index
			s.First = &first
		}
		r.FailureChain = append(r.FailureChain, *s)
	}
	// The chain runs in the order the failures happened; the safeguards that held
	// follow in the order of RULES.md.
	sort.SliceStable(r.FailureChain, func(i, j int) bool {
		a, c := r.FailureChain[i].First, r.FailureChain[j].First
		switch {
		case a == nil || c == nil:
			return a != nil && c == nil
		}
		return *a < *c
	})

	r.People = w.roster()
	risk := state.Risk()
	r.State.Risk, r.State.RiskReasons, r.State.Holds = risk.Level, nonNil(risk.Reasons), nonNil(state.Holds())
	if id := b.opts.Incident; id != "" {
		if in, ok := w.incidents[id]; ok {
			c := *in
			r.Incident = &c
			r.Title = fmt.Sprintf("Incident report: %s, %s", w.production.Name, id)
		}
	}
}

// absences files the safeguards that were never in place: an open incident only a
// safety officer may close when no one is named safety officer, a production hold
// only a safety officer may clear, and armorer's work without a certified armorer.
func (b *builder) absences() {
	w := b.w
	at := b.rep.Period.Last
	if at == nil {
		return
	}
	noOfficer := len(w.withRole("safety_officer")) == 0
	if noOfficer {
		for _, id := range w.incOrder {
			in := w.incidents[id]
			if in.Status != "open" || in.Rule == "" || in.Opened < *b.rep.Period.First {
				continue
			}
			b.add(in.Rule, Finding{Outcome: Absent, Kind: "absent", Index: in.Opened, Time: in.At, Incident: id,
				Summary: fmt.Sprintf("no safety officer is named on the production: nobody may close incident %s, so the work it stopped cannot lawfully restart", id)})
		}
		if h, ok := b.firstRedHold(); ok {
			b.add(rules.RiskRedHold, Finding{Outcome: Absent, Kind: "absent", Index: h, Time: b.timeOf(h),
				Summary: "no safety officer is named on the production: the hold placed when the risk turned red could only be lifted by a producer's override"})
		}
	}
	armorers := w.withRole("armorer")
	if len(armorers) == 0 && len(w.lots)+b.firearms > 0 {
		b.add(rules.ArmorerCertified, Finding{Outcome: Absent, Kind: "absent", Index: *at, Time: b.timeOf(*at),
			Summary: "firearms or ammunition are on record but no one on the production holds the armorer role"})
	}
	for _, id := range armorers {
		ps := w.people[id]
		end := b.timeOf(*at).In(w.loc).Format("2006-01-02")
		if ps.CertifiedUntil == "" || ps.CertifiedUntil < end {
			b.add(rules.ArmorerCertified, Finding{Outcome: Absent, Kind: "absent", Index: *at, Time: b.timeOf(*at),
				People:  []Actor{{Person: w.person(id), Part: "named"}},
				Summary: fmt.Sprintf("%s holds the armorer role without an armorer certification valid on %s (on record: %s)", ps.Name, end, orNone(ps.CertifiedUntil))})
		}
	}
}

// firstRedHold is the first risk-red-hold placed within the period.
func (b *builder) firstRedHold() (uint64, bool) {
	if len(b.holdPlaced) == 0 {
		return 0, false
	}
	return b.holdPlaced[0], true
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return slices.Clip(xs)
}
