package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// The permission matrix's world: production dry-creek with one person in every role
// of RULES.md and a department head, production far-ridge with one person (the
// outsider), a studio admin, and two callers without a valid session.

const (
	matrixProd = "dry-creek"
	otherProd  = "far-ridge"
)

// callerKind is how a caller stands towards dry-creek.
type callerKind int

const (
	kindPerson    callerKind = iota // a person on dry-creek
	kindAdmin                       // a studio admin who is no person on it
	kindOutsider                    // a person on far-ridge only
	kindNoSession                   // no cookie, no token
	kindExpired                     // a session cookie that has expired
)

// caller is one column of the matrix.
type caller struct {
	name    string // the role, or what kind of caller
	key     string // a slug for the ids this caller's requests create
	kind    callerKind
	person  string // on dry-creek; "" unless kindPerson
	roles   []string
	acct    auth.Account
	secret  string // the session cookie's secret; "" for no session
	addr    string // the client address the requests come from
	receipt string // the receipt code of the anonymous concern anon-<key>
	// off is the person on dry-creek whose roles were all removed (the "taken off"
	// caller); far is the person on far-ridge of an outsider ("otto" when "").
	off, far string
}

// can reports whether the caller is a person holding one of roles.
func (c *caller) can(roles ...string) bool {
	for _, r := range roles {
		for _, mine := range c.roles {
			if r == mine {
				return true
			}
		}
	}
	return false
}

// cast is dry-creek's people: one per role, and the grip department's head. gus
// (crew, grip) files the concerns and reports the incidents the matrix acts on, so
// hal, the head of grip, may handle those concerns.
var cast = []struct {
	role, person string
	add          map[string]any
}{
	{"armorer", "ana", map[string]any{"roles": []string{"armorer"}, "certified_until": "2099-12-31"}},
	{"prop_master", "pam", map[string]any{"roles": []string{"prop_master"}}},
	{"first_ad", "dan", map[string]any{"roles": []string{"first_ad"}}},
	{"actor", "kim", map[string]any{"roles": []string{"actor"}, "training": map[string]float64{"revolver": 3}}},
	{"stunt", "sam", map[string]any{"roles": []string{"stunt"}}},
	{"camera", "raf", map[string]any{"roles": []string{"camera"}}},
	{"crew", "gus", map[string]any{"roles": []string{"crew"}, "department": "grip"}},
	{"producer", "pia", map[string]any{"roles": []string{"producer"}}},
	{"safety_officer", "sol", map[string]any{"roles": []string{"safety_officer"}}},
	{"investigator", "ivy", map[string]any{"roles": []string{"investigator"}}},
	{"department head", "hal", map[string]any{"roles": []string{"crew"}, "department": "grip", "department_head": true}},
}

// matrixWorld is the server the matrix runs against, driven without a network
// (ServeHTTP on recorders), on a real SQLite store.
type matrixWorld struct {
	t        testing.TB
	srv      *Server
	lg       *ledger.Ledger
	accounts auth.Store
	now      time.Time
	callers  []*caller
}

func newMatrixWorld(t testing.TB) *matrixWorld {
	t.Helper()
	lg, st := newTestLedger(t)
	w := &matrixWorld{t: t, lg: lg, accounts: st, now: dayOne}
	w.srv = newQuietServer(lg, st, Config{})
	w.srv.api.now = func() time.Time { return w.now }
	// Every caller files anonymously on several rows: the matrix is about who may,
	// not how often (TestAnonymousFilingLimited), so the filing limit is set wide.
	w.srv.web.filings = newBucketLimiter(rate{1000, time.Minute}, rate{1000, time.Minute})

	sys := rules.Actor{}
	w.do(matrixProd, sys, "production.create", map[string]any{"id": matrixProd, "name": "Dry Creek", "timezone": "America/Denver"})
	w.do(otherProd, sys, "production.create", map[string]any{"id": otherProd, "name": "Far Ridge", "timezone": "America/Denver"})
	w.do(otherProd, sys, "person.add", map[string]any{"id": "otto", "name": "Otto", "roles": []string{"crew"}})
	for i, c := range cast {
		with := map[string]any{"id": c.person, "name": strings.ToUpper(c.person[:1]) + c.person[1:]}
		for k, v := range c.add {
			with[k] = v
		}
		w.do(matrixProd, sys, "person.add", with)
		roles, _ := c.add["roles"].([]string)
		w.addCaller(&caller{name: c.role, kind: kindPerson, person: c.person, roles: roles}, i)
	}
	w.addCaller(&caller{name: "studio admin", kind: kindAdmin}, len(w.callers))
	w.addCaller(&caller{name: "other production", kind: kindOutsider}, len(w.callers))
	// Taken off dry-creek (every role removed) and still on far-ridge: to dry-creek,
	// exactly an outsider. A taken-off person reads nothing of where they were.
	w.do(matrixProd, sys, "person.add", map[string]any{"id": "tom", "name": "Tom", "roles": []string{"crew"}})
	w.do(matrixProd, rules.Actor{Person: "pia"}, "person.roles", map[string]any{"person": "tom", "roles": []string{}})
	w.do(otherProd, sys, "person.add", map[string]any{"id": "tia", "name": "Tia", "roles": []string{"crew"}})
	w.addCaller(&caller{name: "taken off", kind: kindOutsider, off: "tom", far: "tia"}, len(w.callers))
	w.addCaller(&caller{name: "no session", kind: kindNoSession}, len(w.callers))
	w.addCaller(&caller{name: "expired session", kind: kindExpired}, len(w.callers))

	// What the pages and actions name: a prop, a firearm, a lot, and for each caller a
	// concern from grip to acknowledge, an incident to close, and an anonymous concern
	// whose receipt code it holds.
	ana, gus := rules.Actor{Person: "ana"}, rules.Actor{Person: "gus"}
	w.do(matrixProd, ana, "firearm.register", map[string]any{"id": "prop-1", "serial": "P1", "type": "revolver", "capability": "non_firing"})
	w.do(matrixProd, ana, "firearm.register", map[string]any{"id": "colt-1", "serial": "C1", "type": "revolver", "capability": "blank_fire"})
	w.do(matrixProd, ana, "ammo.receive", map[string]any{"lot": "dummies-1", "kind": "dummy", "caliber": ".45", "count": 50, "supplier": "Acme", "receipt": "R-1"})
	for _, c := range w.callers {
		w.do(matrixProd, gus, "concern.file", map[string]any{"id": "ack-" + c.key, "category": "equipment", "severity": "low", "text": "a loose rail on the dolly"})
		w.do(matrixProd, gus, "incident.report", map[string]any{"id": "inc-" + c.key, "kind": "near-miss", "text": "a stand tipped over"})
		c.receipt = rules.NewReceipt()
		w.do(matrixProd, rules.Actor{Anonymous: true, Receipt: c.receipt}, "concern.file",
			map[string]any{"id": "anon-" + c.key, "category": "fatigue", "severity": "low", "text": "fourteen-hour days"})
	}

	// What the read policy guards (matrixSecrets): a named concern's words and a
	// reply, a reply on an anonymous thread, a dismissal's reason, and a training
	// request's note and the reason it was denied.
	sol, pia, kim := rules.Actor{Person: "sol"}, rules.Actor{Person: "pia"}, rules.Actor{Person: "kim"}
	w.do(matrixProd, gus, "concern.file", map[string]any{"id": "words-1", "category": "equipment", "severity": "low", "text": secretConcern})
	w.do(matrixProd, sol, "concern.reply", map[string]any{"concern": "words-1", "text": secretReply})
	w.do(matrixProd, sol, "concern.reply", map[string]any{"concern": "anon-crew", "text": secretAnonReply})
	w.do(matrixProd, gus, "concern.file", map[string]any{"id": "gone-1", "category": "equipment", "severity": "low", "text": "a flag on the wrong stand"})
	w.do(matrixProd, pia, "concern.dismiss", map[string]any{"concern": "gone-1", "reason": secretDismissal})
	w.do(matrixProd, kim, "training.request", map[string]any{"id": "tr-1", "type": "revolver", "hours": 2, "note": secretNote})
	w.do(matrixProd, pia, "training.deny", map[string]any{"request": "tr-1", "reason": secretDenial})
	return w
}

// The words the read policy guards, each unique in the matrix's ledger.
const (
	secretConcern   = "SECRET-CONCERN the crane tie-downs are frayed"
	secretReply     = "SECRET-REPLY new straps come tomorrow"
	secretAnonReply = "SECRET-ANON-REPLY we will change the schedule"
	secretDismissal = "SECRET-DISMISSAL the stand was fine"
	secretNote      = "SECRET-NOTE I have never fired a blank"
	secretDenial    = "SECRET-DENIAL no budget this week"
)

// matrixSecrets are the guarded words by who may read them, as the read policy says
// (rules.MayRead, MayReadConcern, MayReadTrainingOf): the whole record's readers
// read all of them; gus's concerns (words-1, gone-1) are also read by gus and hal,
// the head of his department; the anonymous thread by no other person; kim's training
// request also by kim and the armorer. Studio admins read none.
var matrixSecrets = []struct {
	text    string
	readers []string // people on dry-creek
}{
	{secretConcern, []string{"pia", "sol", "ivy", "gus", "hal"}},
	{secretReply, []string{"pia", "sol", "ivy", "gus", "hal"}},
	{secretDismissal, []string{"pia", "sol", "ivy", "gus", "hal"}},
	{secretAnonReply, []string{"pia", "sol", "ivy"}},
	{secretNote, []string{"pia", "sol", "ivy", "kim", "ana"}},
	{secretDenial, []string{"pia", "sol", "ivy", "kim", "ana"}},
}

// addCaller gives c an account, its membership and a session, as its kind wants.
func (w *matrixWorld) addCaller(c *caller, i int) {
	w.t.Helper()
	ctx := context.Background()
	c.key = strings.NewReplacer("_", "-", " ", "-").Replace(c.name)
	c.addr = "192.0.2." + strconv.Itoa(10+i) + ":4000"
	w.callers = append(w.callers, c)
	if c.kind == kindNoSession {
		return
	}
	var err error
	c.acct, err = auth.AddAccount(ctx, w.accounts, c.key+"@matrix.test", "password of "+c.key, c.kind == kindAdmin)
	if err != nil {
		w.t.Fatal(err)
	}
	switch c.kind {
	case kindPerson:
		err = w.accounts.Grant(ctx, auth.Membership{Account: c.acct.ID, Production: matrixProd, Person: c.person})
	case kindOutsider:
		far := c.far
		if far == "" {
			far = "otto"
		}
		err = w.accounts.Grant(ctx, auth.Membership{Account: c.acct.ID, Production: otherProd, Person: far})
		if err == nil && c.off != "" {
			err = w.accounts.Grant(ctx, auth.Membership{Account: c.acct.ID, Production: matrixProd, Person: c.off})
		}
	}
	if err != nil {
		w.t.Fatal(err)
	}
	issued := w.now
	if c.kind == kindExpired {
		issued = w.now.Add(-auth.SessionTTL - time.Minute)
	}
	c.secret = w.session(c, issued)
}

// session issues a new browser session for c's account, as of issued.
func (w *matrixWorld) session(c *caller, issued time.Time) string {
	w.t.Helper()
	s, err := auth.Issue(context.Background(), w.accounts, c.acct.ID, auth.KindSession, issued, auth.SessionTTL)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// do runs one command on a production straight through the rules and fails unless
// it is accepted: the matrix's setting, not what it tests.
func (w *matrixWorld) do(prod string, by rules.Actor, do string, with map[string]any) {
	w.t.Helper()
	ctx := context.Background()
	l, err := w.lg.Log(ctx, prod)
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := production.FromLog(l)
	if err != nil {
		w.t.Fatal(err)
	}
	body, err := json.Marshal(with)
	if err != nil {
		w.t.Fatal(err)
	}
	res, err := p.Do(ctx, by, rules.Command{Do: do, With: body}, w.now)
	if err != nil || res.Outcome == rules.Refused {
		w.t.Fatalf("setting up %s: %s by %+v: %v %+v", prod, do, by, err, res)
	}
}

// size is the number of entries in dry-creek's ledger.
func (w *matrixWorld) size() uint64 {
	w.t.Helper()
	l, err := w.lg.Existing(context.Background(), matrixProd)
	if err != nil {
		w.t.Fatal(err)
	}
	return l.Size()
}

// last returns dry-creek's last ledger entry.
func (w *matrixWorld) last() ledger.Entry {
	w.t.Helper()
	l, err := w.lg.Existing(context.Background(), matrixProd)
	if err != nil {
		w.t.Fatal(err)
	}
	n := l.Size()
	rows, err := l.Entries(context.Background(), n-1, n)
	if err != nil || len(rows) != 1 {
		w.t.Fatalf("last entry: %v", err)
	}
	e, err := ledger.DecodeEntry(rows[0].Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

// serve answers req as c: from c's address, with c's session cookie (and, for a
// caller without one, a pre-session CSRF cookie, as the sign-in page gives).
func (w *matrixWorld) serve(c *caller, req *http.Request) *httptest.ResponseRecorder {
	req.RemoteAddr = c.addr
	if c.secret != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.secret})
	} else {
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: "pre-session-" + c.key})
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec
}

// csrf is the form token for c's cookies.
func (c *caller) csrf() string {
	if c.secret != "" {
		return csrfFor(c.secret)
	}
	return csrfFor("pre-session-" + c.key)
}
