package rules

import (
	"time"
)

// State is one production as the fold of its events. The zero value is not usable; call
// New. A State is not safe for concurrent use: Apply needs exclusive access, while
// Decide, Tick and the read methods may run concurrently with each other.
type State struct {
	created bool
	prod    production

	people   map[string]*person
	firearms map[string]*firearm
	guns     []*firearm // registration order, for breaks
	lots     map[string]*lot
	lotList  []*lot // receipt order, for wrap
	requests map[string]*request
	scenes   map[string]map[string]bool // accepted plans: scene -> firearms

	concerns map[string]*concern
	open     map[string]*concern // concerns not resolved or dismissed: they escalate

	incidents map[string]*incident
	openInc   map[string]*incident

	// Indexes kept by Apply so that reads cost what is open, not the history (index.go).
	openIDs    []string              // ids of open concerns, sorted
	openIncIDs []string              // ids of open incidents, sorted
	filed      []*concern            // every concern, in filing order (concern.seq)
	byReporter map[string][]*concern // each named reporter's concerns, in filing order
	byReceipt  map[string]*concern   // anonymous concerns by receipt hash
	opened     []*incident           // every incident, in opening order (incident.seq)
	peopleIDs  []string              // ids of people, sorted
	idMax      map[string]int        // prefix -> largest N of a concern, incident or request id "prefix-N"
	kindCount  map[string]int        // incidents opened by rules, per kind
	refusals   int                   // firearm.refuse concerns filed

	flagSeq   int
	flags     map[int]*flag            // active flags
	bySubject map[string]map[int]*flag // rule+"/"+subject -> active flags
	timed     map[int]*flag            // active flags that expire

	holds []hold // active production holds, in placement order

	meetingDay int             // local day (dayOf) of the latest safety meeting
	attended   map[string]bool // attendees of that day's meetings

	risk riskState
}

// production is what production.create recorded.
type production struct {
	ID       string
	Name     string
	Timezone string
	loc      *time.Location
	cfg      config
}

type person struct {
	ID         string
	Name       string
	Roles      map[string]bool
	Department string
	Head       bool
	CertUntil  string // YYYY-MM-DD, valid through that day
	Training   map[string]float64
}

type firearm struct {
	ID         string
	Type       string
	Capability string
	Holder     string // person id, or "" for the armory
	PendingTo  string // hand-over waiting for firearm.accept
	// The last inspection.
	Inspected   bool
	InspectedAt time.Time
	Load        string
	Lot         string
	Rounds      int
	// heldSince: someone other than an armorer has held it since the last inspection.
	heldSince bool
	// freshCheck: inspected since the last custody change (accept or return).
	freshCheck bool
	Holds      []hold
}

type lot struct {
	ID        string
	Kind      string
	Caliber   string
	Count     int
	Expended  int
	Disposed  int
	Verified  bool
	Supplier  string
	Receipt   string
	usedDay   int  // local day (dayOf) of the last use: loaded or expended from
	countedOK bool // reconciled after its last use
}

type request struct {
	ID     string
	Person string
	Type   string
	Hours  float64
	Status string // requested, denied, granted
}

type concern struct {
	ID          string
	Category    string
	Severity    string
	Reporter    string // person id; "" when anonymous
	ReceiptHash string // anonymous only
	Since       time.Time
	Level       int
	Acked       bool
	Status      string // open, resolved, dismissed
	Reopened    bool
	seq         int      // place in State.filed
	entries     []uint64 // ledger indexes of its filing, answers and escalations, in order
}

type incident struct {
	ID      string
	Kind    string
	Serious bool
	Open    bool
	At      time.Time
	seq     int // place in State.opened
}

type flag struct {
	N           int
	Rule        string
	Subject     string
	Ref         string
	FirearmFlag bool
	At          time.Time
	Expires     time.Time // zero: lifted by an action, not by time
}

type hold struct {
	ID      string
	Ref     string // incident or concern that placed it
	Firearm string
	At      time.Time
}

// New returns the empty state before production.create.
func New() *State {
	return &State{
		people:     map[string]*person{},
		firearms:   map[string]*firearm{},
		lots:       map[string]*lot{},
		requests:   map[string]*request{},
		scenes:     map[string]map[string]bool{},
		concerns:   map[string]*concern{},
		open:       map[string]*concern{},
		incidents:  map[string]*incident{},
		openInc:    map[string]*incident{},
		byReporter: map[string][]*concern{},
		byReceipt:  map[string]*concern{},
		idMax:      map[string]int{},
		kindCount:  map[string]int{},
		flags:      map[int]*flag{},
		bySubject:  map[string]map[int]*flag{},
		timed:      map[int]*flag{},
		attended:   map[string]bool{},
		risk:       newRiskState(),
	}
}

// Production returns the production's id ("" before production.create).
func (s *State) Production() string { return s.prod.ID }

// Name returns the production's name, as people know it.
func (s *State) Name() string { return s.prod.Name }

// Holder returns who holds the firearm: a person id, or "armory". A firearm being handed
// over stays with the giver until it is accepted.
func (s *State) Holder(firearm string) string {
	if f := s.firearms[firearm]; f != nil && f.Holder != "" {
		return f.Holder
	}
	return "armory"
}

// Holds returns the ids of the production's active holds, once each, in the order of
// the table "Hold reasons".
func (s *State) Holds() []string { return holdIDs(s.holds) }

// FirearmHolds returns the ids of the holds on one firearm.
func (s *State) FirearmHolds(firearm string) []string {
	if f := s.firearms[firearm]; f != nil {
		return holdIDs(f.Holds)
	}
	return []string{}
}

func holdIDs(hs []hold) []string {
	out := []string{}
	for _, id := range []string{NoLiveAmmo, DischargeStopsWork, CriticalConcern, RiskRedHold, SecureAtBreak} {
		for _, h := range hs {
			if h.ID == id {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// localDay is the calendar day of t in the production's timezone, as YYYY-MM-DD.
func (s *State) localDay(t time.Time) string {
	return t.In(s.location()).Format(time.DateOnly)
}

// dayOf is the calendar day of t in the production's timezone as the number YYYYMMDD:
// cheaper than localDay on the fold's hot path.
func (s *State) dayOf(t time.Time) int {
	y, m, d := t.In(s.location()).Date()
	return y*10000 + int(m)*100 + d
}

func (s *State) location() *time.Location {
	if s.prod.loc == nil {
		return time.UTC
	}
	return s.prod.loc
}

// HeldFirearms returns the hold ids of every firearm that has at least one hold. It
// costs one step per firearm, unlike Overview, so callers may use it after every action.
func (s *State) HeldFirearms() map[string][]string {
	out := map[string][]string{}
	for id, f := range s.firearms {
		if len(f.Holds) > 0 {
			out[id] = holdIDs(f.Holds)
		}
	}
	return out
}
