package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"coldset/internal/production"
	"coldset/internal/record"
	"coldset/internal/rules"
)

// Receipt codes (rules.NewReceipt) are shown in groups of four ("K7QD-M2XA-...").
// The rules keep only the SHA-256 of the code without its dashes, so a lookup
// compares hashes, never the codes themselves. Reading a code back is forgiving:
// spaces and dashes are ignored, lower case is upper case, and the digits base32
// lacks are read as the letters they look like (0 as O, 1 as I, 8 as B).

// maxReceiptInput bounds what a lookup accepts as a production id or a code.
const maxReceiptInput = 200

// groupReceipt shows a code in groups of four, for reading and copying by hand.
func groupReceipt(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// canonicalReceipt reads a code as typed back into the form the rules hash.
func canonicalReceipt(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r == '0':
			b.WriteByte('O')
		case r == '1':
			b.WriteByte('I')
		case r == '8':
			b.WriteByte('B')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// errNoReceipt is the one answer for an unknown production and an unknown code, so
// that a guess learns nothing of which was wrong.
var errNoReceipt = notFound("No concern matches that production and receipt code. Check both and try again.")

// receiptFound is an anonymous concern found by its receipt code.
type receiptFound struct {
	prod    *production.Production
	concern string
	code    string // the code as the rules know it: what a reopening or reply must carry
}

// findReceipt finds the anonymous concern of a code on a production, within the
// guessing limits (api_anonymous_limit.go). It answers errNoReceipt for a wrong
// production or code, a *tooManyGuesses while lookups are paused, and nothing about
// who asked is kept or logged.
func (s *Server) findReceipt(ctx context.Context, prod, code string) (receiptFound, error) {
	if len(prod) > maxReceiptInput || len(code) > maxReceiptInput {
		return receiptFound{}, errNoReceipt
	}
	refund, paused := s.web.receipts.take(prod, s.api.now())
	if paused != nil {
		return receiptFound{}, &tooManyGuesses{*paused}
	}
	p, err := s.production(ctx, prod)
	var ae *apiError
	if errors.As(err, &ae) && ae.kind == kindNotFound {
		return receiptFound{}, errNoReceipt
	}
	if err != nil {
		refund() // the store failed: no guess was judged
		return receiptFound{}, err
	}
	// The code as typed is tried too, for codes given out before they were grouped.
	for _, c := range []string{canonicalReceipt(code), strings.TrimSpace(code)} {
		var id string
		p.View(func(st *rules.State) { id, _ = st.ConcernForReceipt(c) })
		if id != "" {
			refund()
			return receiptFound{prod: p, concern: id, code: c}, nil
		}
	}
	return receiptFound{}, errNoReceipt
}

// takeReceiptGuess counts a receipt code given with an action on p within the
// guessing limits, as findReceipt does a lookup: a code of a concern on p costs
// nothing, a wrong one a token. It answers a *tooManyGuesses while lookups are paused.
func (s *Server) takeReceiptGuess(p *production.Production, code string) error {
	refund, paused := s.web.receipts.take(p.ID(), s.api.now())
	if paused != nil {
		return &tooManyGuesses{*paused}
	}
	var known bool
	p.View(func(st *rules.State) { _, known = st.ConcernForReceipt(code) })
	if known {
		refund()
	}
	return nil
}

// writeAnonError answers an API request that failed: a pause in receipt lookups or
// in anonymous filings with its Retry-After, everything else as writeError does.
func (s *Server) writeAnonError(w http.ResponseWriter, r *http.Request, err error) {
	var g *tooManyGuesses
	var f *tooManyFilings
	switch {
	case errors.As(err, &g):
		g.retryAfter(w)
		err = &apiError{kind: kindTooMany, detail: g.message()}
	case errors.As(err, &f):
		f.retryAfter(w)
		err = &apiError{kind: kindTooMany, detail: f.Error()}
	}
	s.writeError(w, r, err)
}

// receiptJSON is what the holder of a receipt code may read of their concern: its
// status and deadlines, its words, and every answer on its thread.
type receiptJSON struct {
	Production string            `json:"production"`
	Concern    rules.ConcernView `json:"concern"`
	Text       string            `json:"text"`
	Thread     []threadJSON      `json:"thread"`
	CanReopen  bool              `json:"can_reopen"`
}

// threadJSON is one step of a concern's life.
type threadJSON struct {
	At    time.Time `json:"at"`
	Type  string    `json:"type"`         // the ledger event: concern.ack, concern.reply, escalation...
	From  string    `json:"from"`         // reporter, staff, or coldset (escalations)
	By    string    `json:"by,omitempty"` // the name of whoever answered; never the reporter's
	Text  string    `json:"text,omitempty"`
	Level int       `json:"level,omitempty"`
}

// receiptJSONOf reads the concern as receiptJSON, from the state and the ledger.
func receiptJSONOf(ctx context.Context, f receiptFound) (receiptJSON, error) {
	out := receiptJSON{Production: f.prod.ID(), Thread: []threadJSON{}}
	names := map[string]string{}
	f.prod.View(func(st *rules.State) {
		for _, p := range st.OpenOverview().People {
			names[p.ID] = p.Name
		}
		if c, ok := st.Concern(f.concern); ok {
			out.Concern, out.CanReopen = c, c.Status != "open"
		}
	})
	entries, err := concernEntries(ctx, f.prod, f.concern)
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		t := threadJSON{At: e.Time, Type: e.Type, From: "staff", By: names[e.Actor]}
		if e.Actor == "" {
			t.From, t.By = rules.ReplyFromReporter, ""
		}
		switch e.Type {
		case rules.ConcernFile:
			out.Text = record.Words(e)
			continue
		case rules.EventEscalation:
			if esc, ok := e.Payload.(*rules.EscalationData); ok {
				t.From, t.Level, t.Text = "coldset", esc.Level, esc.Who()
			}
		default:
			t.Text = record.Words(e)
		}
		out.Thread = append(out.Thread, t)
	}
	return out, nil
}

// fileAnonymous files an anonymous concern on p with a fresh receipt code, which it
// returns with the concern's id. Only the code's hash reaches the ledger. The id is
// the next free concern-N, picked as the filing is decided (production.DoNew), so
// concurrent filings never collide. A *tooManyFilings while anonymous filing on p is
// paused: then nothing is recorded.
func (s *Server) fileAnonymous(ctx context.Context, p *production.Production, category, severity, text string) (code, id string, res rules.Result, err error) {
	if err := s.takeFiling(p); err != nil {
		return "", "", rules.Result{}, err
	}
	code = rules.NewReceipt()
	with := map[string]string{}
	for k, v := range map[string]string{"category": category, "severity": severity, "text": text} {
		if v = strings.TrimSpace(v); v != "" {
			with[k] = v // an empty field is left out, for the rules to name as missing
		}
	}
	id, res, err = p.DoNew(ctx, rules.Actor{Anonymous: true, Receipt: code}, "concern", func(id string) rules.Command {
		with["id"] = id
		body, _ := json.Marshal(with)
		return rules.Command{Do: rules.ConcernFile, With: body}
	}, s.api.now())
	if err == nil {
		s.web.events.notify(p.ID())
	}
	return code, id, res, err
}

// takeFiling counts one anonymous filing on p against the filing limits, or answers
// the *tooManyFilings that says how long to wait.
func (s *Server) takeFiling(p *production.Production) error {
	_, paused := s.web.filings.take(p.ID(), s.api.now())
	if paused == nil {
		return nil
	}
	f := &tooManyFilings{limited: *paused}
	p.View(func(st *rules.State) { f.name = st.Name() })
	return f
}
