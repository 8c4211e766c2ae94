package rules

// concern.reply: a written answer on a concern's thread, so that its reporter and
// those who answer it can talk (anonymous-reporting: the reporter reads replies and
// answers them). A reply is recorded and changes nothing else: no status, no deadline,
// no escalation. It may be written at any time, also on a resolved or dismissed
// concern, because the reporter's answer to a dismissal is exactly what an
// investigator wants to read.
//
// Who may reply: the concern's reporter (for an anonymous concern, whoever holds its
// receipt code), and those who handle it (a producer, a safety officer, the reporter's
// department head). The payload says which side wrote ("reporter" or "staff"); an
// anonymous reply carries no actor and nothing of the receipt code.

// Sides of a reply.
const (
	ReplyFromReporter = "reporter"
	ReplyFromStaff    = "staff"
)

type ConcernReplyData struct {
	Concern string `json:"concern"`
	Text    string `json:"text"`
	From    string `json:"from"`
}

// The action and its applier are added here, apart from the tables of decide.go and
// apply.go, because a reply has no rule effect of its own. Package initialization
// runs apply.go's init first (files initialize in name order), so appliers exists.
func init() {
	actions[ConcernReply] = (*decision).decideConcernReply
	appliers[ConcernReply] = (*State).applyConcernReply
}

func (d *decision) decideConcernReply() *refusal {
	r := readWith(d.cmd.With, "concern", "text")
	c := d.knownConcern(r, "concern")
	p := ConcernReplyData{Text: r.text("text")}
	if r.bad != nil {
		return r.bad
	}
	p.Concern = c.ID
	switch {
	case d.by.Anonymous:
		if c.ReceiptHash == "" || receiptHash(d.by.Receipt) != c.ReceiptHash {
			return refuse(RoleRequired, "only whoever holds the receipt code of concern %s may answer for its reporter", c.ID)
		}
		p.From = ReplyFromReporter
	default:
		me, ref := d.member()
		if ref != nil {
			return ref
		}
		if c.Reporter != "" && me.ID == c.Reporter {
			p.From = ReplyFromReporter
			break
		}
		if ref := d.handles(c); ref != nil {
			return refuse(RoleRequired, "only the reporter of concern %s and those who answer it (a producer, a safety officer, the reporter's department head) may reply to it", c.ID)
		}
		p.From = ReplyFromStaff
	}
	d.emit(ConcernReply, &p)
	return nil
}

// applyConcernReply checks that the reply names a concern on file; it folds nothing
// but where the reply is in the ledger.
func (s *State) applyConcernReply(e Event) (any, error) {
	p, err := decode[ConcernReplyData](e)
	if err != nil {
		return nil, err
	}
	if _, err := s.concernEntry(p.Concern, e); err != nil {
		return nil, err
	}
	return p, nil
}
