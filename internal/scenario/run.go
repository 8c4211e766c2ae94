package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/sqlite"
)

// Options says where Replay builds its ledger.
type Options struct {
	// DB is the SQLite database to build the ledger in, with its signing key beside it
	// at ledger.KeyPathFor(DB), exactly as `coldset serve --db DB` keeps them. It must
	// not already hold the scenario's production. Empty: a temporary directory that is
	// removed afterwards.
	DB string
}

// ErrLedgerExists reports a kept database that already holds the scenario's
// production: a replay always starts from an empty log.
var ErrLedgerExists = errors.New("already holds production")

// StepReport is what one step did and whether its expectations held. Its JSON form is
// the line `coldset replay --json` prints for the step.
type StepReport struct {
	File         string              `json:"file"`
	Step         int                 `json:"step"` // from 1, in file order
	At           string              `json:"at"`   // RFC 3339, in the production's time zone
	As           string              `json:"as"`
	Do           string              `json:"do"` // empty for a step that only moves the clock
	Outcome      string              `json:"outcome"`
	Rule         string              `json:"rule,omitempty"`
	Message      string              `json:"message,omitempty"`
	Flags        []string            `json:"flags"`
	Incidents    []string            `json:"incidents"`
	Escalations  []rules.Escalation  `json:"escalations"`
	Holds        []string            `json:"holds"`
	FirearmHolds map[string][]string `json:"firearm_holds"` // registered firearms with a hold
	Risk         string              `json:"risk"`
	OK           bool                `json:"ok"`
	Failures     []Failure           `json:"failures"`

	time time.Time
}

// Describe names the step the way failure lines do: "step 3 (do firearm.handoff as
// ana at 2026-03-02T08:12)".
func (r StepReport) Describe() string {
	if r.Do == "" {
		return fmt.Sprintf("step %d (at %s)", r.Step, FormatLocal(r.time))
	}
	return fmt.Sprintf("step %d (do %s as %s at %s)", r.Step, r.Do, r.As, FormatLocal(r.time))
}

// Replay plays f through the rules on a fresh ledger: production.create by the system
// actor at f.Start, the header's people by the system actor, then every step, each
// ticking the clock to the step's time before its action. A failed expectation does
// not stop the replay. An error means the replay could not go on (the ledger failed,
// or the header was refused); the reports of the steps played so far come with it.
func Replay(ctx context.Context, f *File, opts Options) ([]StepReport, error) {
	db := opts.DB
	if db == "" {
		dir, err := os.MkdirTemp("", "coldset-replay-*")
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", f.Path, err)
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "coldset.db")
	} else if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	defer st.Close()
	n, err := st.Size(ctx, f.Production.ID)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	if n > 0 {
		return nil, fmt.Errorf("replay %s: %s: %w %s", f.Path, db, ErrLedgerExists, f.Production.ID)
	}
	signer, err := ledger.LoadOrCreateKey(ledger.KeyPathFor(db))
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	p, err := production.Open(ctx, st, signer, f.Production.ID)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	defer p.Close()
	r := &replayer{f: f, p: p, firearms: map[string]bool{}, receipts: map[string]string{}}
	if err := r.setUp(ctx); err != nil {
		return nil, fmt.Errorf("replay %s: %w", f.Path, err)
	}
	var reports []StepReport
	for i, s := range f.Steps {
		rep, err := r.step(ctx, i+1, s)
		if err != nil {
			return reports, fmt.Errorf("replay %s: step %d (line %d): %w", f.Path, i+1, s.Line, err)
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// replayer is one replay in progress.
type replayer struct {
	f        *File
	p        *production.Production
	firearms map[string]bool   // registered firearm ids, for firearm_holds in reports
	receipts map[string]string // anonymous concern id -> its receipt code
}

// setUp creates the production and adds the header's people, all by the system actor
// at the start time.
func (r *replayer) setUp(ctx context.Context) error {
	pr := r.f.Production
	create := map[string]any{"id": pr.ID, "name": pr.Name, "timezone": pr.Timezone}
	if r.f.Config != nil {
		create["config"] = r.f.Config
	}
	with, err := json.Marshal(create)
	if err != nil {
		return fmt.Errorf("production.create: %w", err)
	}
	if err := r.system(ctx, rules.Command{Do: rules.ProductionCreate, With: with}, rules.ProductionCreate); err != nil {
		return err
	}
	for i, person := range r.f.People {
		what := fmt.Sprintf("people[%d]: person.add", i)
		if err := r.system(ctx, rules.Command{Do: rules.PersonAdd, With: person}, what); err != nil {
			return err
		}
	}
	return nil
}

func (r *replayer) system(ctx context.Context, c rules.Command, what string) error {
	res, err := r.p.Do(ctx, rules.Actor{}, c, r.f.Start)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if res.Outcome == rules.Refused {
		return fmt.Errorf("%s refused by %s: %s", what, res.Rule, res.Message)
	}
	return nil
}

// step plays one step and checks its expectations.
func (r *replayer) step(ctx context.Context, n int, s Step) (StepReport, error) {
	var res rules.Result
	var err error
	var ids struct {
		ID      string `json:"id"`
		Concern string `json:"concern"`
	}
	if s.Do == "" {
		res, err = r.p.Tick(ctx, s.Time)
	} else {
		_ = json.Unmarshal(s.With, &ids) // malformed ids are the rules' to refuse
		res, err = r.p.Do(ctx, r.actor(s, ids.ID, ids.Concern), rules.Command{Do: s.Do, With: s.With}, s.Time)
	}
	if err != nil {
		return StepReport{}, err
	}
	if s.Do == rules.FirearmRegister && res.Outcome != rules.Refused && ids.ID != "" {
		r.firearms[ids.ID] = true
	}
	obs := r.observe(res, s.Expect)
	fails := Check(s.Expect, obs)
	rep := StepReport{
		File:         r.f.Path,
		Step:         n,
		At:           s.Time.Format(time.RFC3339),
		As:           s.As,
		Do:           s.Do,
		Outcome:      res.Outcome,
		Rule:         res.Rule,
		Message:      res.Message,
		Flags:        nonNil(res.Flags),
		Incidents:    nonNil(res.Incidents),
		Escalations:  nonNil(res.Escalations),
		Holds:        nonNil(obs.Holds),
		FirearmHolds: map[string][]string{},
		Risk:         obs.Risk,
		OK:           len(fails) == 0,
		Failures:     nonNil(fails),
		time:         s.Time,
	}
	if rep.Outcome == "" {
		rep.Outcome = "ok"
	}
	for id := range r.firearms {
		if h := obs.FirearmHolds[id]; len(h) > 0 {
			rep.FirearmHolds[id] = h
		}
	}
	return rep, nil
}

// actor is who does step s. An anonymous concern.file gets a fresh receipt code,
// remembered under the concern's id so a later anonymous concern.reopen can use it.
func (r *replayer) actor(s Step, id, concern string) rules.Actor {
	if s.As != Anonymous {
		return rules.Actor{Person: s.As}
	}
	a := rules.Actor{Anonymous: true}
	switch s.Do {
	case rules.ConcernFile:
		a.Receipt = rules.NewReceipt()
		if id != "" {
			r.receipts[id] = a.Receipt
		}
	case rules.ConcernReopen:
		// A concern never filed anonymously has no receipt here: a fresh code,
		// which the rules refuse like any wrong one.
		if a.Receipt = r.receipts[concern]; a.Receipt == "" {
			a.Receipt = rules.NewReceipt()
		}
	}
	return a
}

// observe reads the state after a step: what every expectation may ask about, and the
// holds of every registered firearm.
func (r *replayer) observe(res rules.Result, e Expect) Observed {
	o := Observed{Result: res, FirearmHolds: map[string][]string{}, Holder: map[string]string{}}
	r.p.View(func(st *rules.State) {
		o.Holds = st.Holds()
		o.Risk = st.Risk().Level
		for id := range r.firearms {
			o.FirearmHolds[id] = st.FirearmHolds(id)
		}
		for id := range e.FirearmHolds {
			o.FirearmHolds[id] = st.FirearmHolds(id)
		}
		for id := range e.Holder {
			o.Holder[id] = st.Holder(id)
		}
	})
	return o
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
