package rules

import "fmt"

// Ammunition: lots received, verified, given provenance, expended, disposed of and
// counted, and rounds found where they should not be.

func (d *decision) decideReceive() *refusal {
	r := readWith(d.cmd.With, "lot", "kind", "caliber", "count", "supplier", "receipt")
	p := ReceiveData{
		Lot:      r.id("lot", true, false),
		Kind:     r.enum("kind", true, lotKinds...),
		Caliber:  r.text("caliber"),
		Count:    r.integer("count", true, 1, maxRounds, 0),
		Supplier: r.optText("supplier"),
		Receipt:  r.optText("receipt"),
	}
	if r.bad != nil {
		return r.bad
	}
	if d.s.lots[p.Lot] != nil {
		return invalid("with.lot", "lot %s was already received", p.Lot)
	}
	if ref := d.armorer(); ref != nil {
		return ref
	}
	if p.Kind == "live" {
		return refuse(NoLiveAmmo, "live ammunition is never received on a production; send lot %s back to %s", p.Lot, orWords(p.Supplier, "its supplier"))
	}
	d.emit(AmmoReceive, &p)
	if p.Supplier == "" || p.Receipt == "" {
		d.raise(KnownSupplier, p.Lot, "", noExpiry, fmt.Sprintf("lot %s was received without %s", p.Lot, MissingProvenance(p.Supplier, p.Receipt)))
	}
	return nil
}

func (d *decision) decideVerify() *refusal {
	r := readWith(d.cmd.With, "lot", "method", "count")
	l := d.knownLot(r, "lot", true)
	p := VerifyData{Method: r.enum("method", true, verifyMethods...), Count: r.integer("count", true, 1, maxRounds, 0)}
	if l != nil && l.Kind != "dummy" {
		r.fail("lot", "names lot %s of %s rounds; only dummy lots are verified", l.ID, l.Kind)
	}
	if r.bad != nil {
		return r.bad
	}
	p.Lot = l.ID
	if ref := d.armorer(); ref != nil {
		return ref
	}
	if n := l.onHand(); p.Count != n {
		return refuse(DummyVerified, "the verification counted %d rounds but lot %s holds %d; verify every round of the lot", p.Count, l.ID, n)
	}
	d.emit(AmmoVerify, &p)
	return nil
}

func (d *decision) decideProvenance() *refusal {
	r := readWith(d.cmd.With, "lot", "supplier", "receipt")
	l := d.knownLot(r, "lot", true)
	p := ProvenanceData{Supplier: r.text("supplier"), Receipt: r.text("receipt")}
	if r.bad != nil {
		return r.bad
	}
	p.Lot = l.ID
	if ref := d.armorer(); ref != nil {
		return ref
	}
	d.emit(AmmoProvenance, &p)
	d.lift(KnownSupplier, l.ID, nil)
	return nil
}

func (d *decision) decideExpend() *refusal  { return d.decideRounds(AmmoExpend) }
func (d *decision) decideDispose() *refusal { return d.decideRounds(AmmoDispose) }

func (d *decision) decideRounds(typ string) *refusal {
	r := readWith(d.cmd.With, "lot", "count")
	l := d.knownLot(r, "lot", true)
	p := RoundsData{Count: r.integer("count", true, 1, maxRounds, 0)}
	if l != nil && p.Count > l.onHand() {
		r.fail("count", "is %d but only %d rounds of lot %s are on hand", p.Count, l.onHand(), l.ID)
	}
	if r.bad != nil {
		return r.bad
	}
	p.Lot = l.ID
	if ref := d.armorer(); ref != nil {
		return ref
	}
	d.emit(typ, &p)
	return nil
}

func (d *decision) decideReconcile() *refusal {
	r := readWith(d.cmd.With, "lot", "counted")
	l := d.knownLot(r, "lot", true)
	p := ReconcileData{Counted: r.integer("counted", true, 0, maxRounds, 0)}
	if r.bad != nil {
		return r.bad
	}
	p.Lot, p.Expected = l.ID, l.onHand()
	if ref := d.armorer(); ref != nil {
		return ref
	}
	d.emit(AmmoReconcile, &p)
	// Counting the lot lifts a flag for not having counted it at wrap.
	d.lift(RoundCount, l.ID, nil)
	if p.Counted != p.Expected {
		msg := fmt.Sprintf("lot %s counted %d rounds; %d were expected (received − expended − disposed)", l.ID, p.Counted, p.Expected)
		id := d.openIncident(IncidentMissingRounds, RoundCount, IncidentData{Lot: l.ID, Text: msg})
		d.raise(RoundCount, id, l.ID, noExpiry, msg)
	}
	return nil
}

func (d *decision) decideRoundFound() *refusal {
	r := readWith(d.cmd.With, "kind", "where", "lot")
	p := RoundFoundData{Kind: r.enum("kind", true, "live", "unknown"), Where: r.text("where")}
	if l := d.knownLot(r, "lot", false); l != nil {
		p.Lot = l.ID
	}
	if r.bad != nil {
		return r.bad
	}
	if _, ref := d.member(); ref != nil {
		return ref
	}
	d.emit(RoundFound, &p)
	id := d.openIncident(IncidentLiveRound, NoLiveAmmo, IncidentData{Lot: p.Lot, Text: p.Kind + " round found: " + p.Where})
	d.rule(EventHoldPlace, &HoldData{Hold: NoLiveAmmo, Ref: id})
	return nil
}

// onHand is what a lot should hold: received − expended − disposed.
func (l *lot) onHand() int { return l.Count - l.Expended - l.Disposed }

// MissingProvenance names what a lot received from supplier with receipt lacks of
// its provenance (known-supplier), in the words of the flag the rules raise; a
// report that finds the same lack says it the same way.
func MissingProvenance(supplier, receipt string) string {
	switch {
	case supplier == "" && receipt == "":
		return "a supplier or a receipt"
	case supplier == "":
		return "a supplier"
	}
	return "a receipt"
}

func orWords(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *State) applyReceive(e Event) (any, error) {
	p, err := decode[ReceiveData](e)
	if err != nil {
		return nil, err
	}
	l := &lot{ID: p.Lot, Kind: p.Kind, Caliber: p.Caliber, Count: foldCount(p.Count), Supplier: p.Supplier, Receipt: p.Receipt, countedOK: true}
	s.lots[p.Lot] = l
	s.lotList = append(s.lotList, l)
	return p, nil
}

func (s *State) applyLot(e Event) (any, error) {
	var lotID string
	var p any
	switch e.Type {
	case AmmoVerify:
		v, err := decode[VerifyData](e)
		if err != nil {
			return nil, err
		}
		lotID, p = v.Lot, v
	case AmmoProvenance:
		v, err := decode[ProvenanceData](e)
		if err != nil {
			return nil, err
		}
		lotID, p = v.Lot, v
	case AmmoExpend, AmmoDispose:
		v, err := decode[RoundsData](e)
		if err != nil {
			return nil, err
		}
		lotID, p = v.Lot, v
	case AmmoReconcile:
		v, err := decode[ReconcileData](e)
		if err != nil {
			return nil, err
		}
		lotID, p = v.Lot, v
	}
	l := s.lots[lotID]
	if l == nil {
		return nil, fmt.Errorf("unknown lot %q", lotID)
	}
	switch v := p.(type) {
	case *VerifyData:
		l.Verified = true
	case *ProvenanceData:
		l.Supplier, l.Receipt = v.Supplier, v.Receipt
	case *RoundsData:
		if e.Type == AmmoDispose {
			l.Disposed += foldCount(v.Count)
		} else {
			l.Expended += foldCount(v.Count)
			l.used(s.dayOf(e.Time))
		}
	case *ReconcileData:
		l.countedOK = true
	}
	return p, nil
}

// used marks the lot opened on day: it must be counted before wrap.
func (l *lot) used(day int) { l.usedDay, l.countedOK = day, false }

func (s *State) applyRoundFound(e Event) (any, error) {
	p, err := decode[RoundFoundData](e)
	if err != nil {
		return nil, err
	}
	// A named dummy lot loses its verification.
	if l := s.lots[p.Lot]; l != nil && l.Kind == "dummy" {
		l.Verified = false
	}
	return p, nil
}
