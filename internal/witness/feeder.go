package witness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

const (
	// DefaultInterval is the most often a production's checkpoints go to witnesses,
	// unless a hold or a serious incident makes it urgent.
	DefaultInterval = time.Minute
	// DefaultPoll is how often Run looks for new checkpoints: how long an urgent
	// checkpoint may wait.
	DefaultPoll = 2 * time.Second
	// sendTimeout bounds one add-checkpoint call, so that one silent witness does not
	// hold back the others for long.
	sendTimeout = 15 * time.Second
)

// Feeder sends each production's latest checkpoint to every witness: at most once per
// Interval per production, and at once when a hold was placed or a serious incident
// opened since the last send. Between sends it only remembers, per production, when it
// last sent and the size each witness last cosigned (read back from Store on first
// use), so a restarted feeder resumes with consistency proofs from there.
type Feeder struct {
	Ledger    *ledger.Ledger
	Store     Store
	Witnesses []Witness
	Client    *http.Client         // default: http.DefaultClient
	Logger    *slog.Logger         // default: slog.Default()
	Now       func() time.Time     // default: time.Now
	Interval  time.Duration        // default: DefaultInterval
	Poll      time.Duration        // default: DefaultPoll
	state     map[string]*logState // by production; only Step's goroutine touches it
}

// logState is what the feeder remembers of one production.
type logState struct {
	lastSend time.Time         // zero: nothing sent since the feeder started
	scanned  uint64            // entries below this were looked at for urgent events
	urgent   bool              // a hold or serious incident awaits sending
	cosigned map[string]uint64 // by witness name: the size it last cosigned
}

// Run calls Step every Poll until ctx is done. Failures are logged, never fatal: a
// witness that is down gets the checkpoint at a later send.
func (f *Feeder) Run(ctx context.Context) {
	poll := f.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if err := f.Step(ctx); err != nil && ctx.Err() == nil {
			f.logger().Warn("witness feeder", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Step sends what is due to the witnesses, once. It is not safe for concurrent use.
// It returns the failures of this pass, joined.
func (f *Feeder) Step(ctx context.Context) error {
	ps, err := f.Ledger.Productions(ctx)
	if err != nil {
		return fmt.Errorf("witness feeder: %w", err)
	}
	var errs []error
	for _, p := range ps {
		errs = append(errs, f.stepProduction(ctx, p))
	}
	return errors.Join(errs...)
}

func (f *Feeder) stepProduction(ctx context.Context, production string) error {
	// The store's size is one index lookup: productions whose witnesses are up to date
	// cost no more, and their Logs are not opened for the feeder's sake.
	size, err := f.Ledger.Size(ctx, production)
	if err != nil {
		return fmt.Errorf("witness feeder: %w", err)
	}
	st, err := f.logState(ctx, production, size)
	if err != nil {
		return err
	}
	if !st.behind(f.Witnesses, size) {
		return nil
	}
	l, err := f.Ledger.Existing(ctx, production)
	if err != nil {
		return fmt.Errorf("witness feeder: %w", err)
	}
	if l.Size() < size {
		// Another process appended; send what the store holds, not an older view.
		if err := l.CatchUp(ctx); err != nil {
			return fmt.Errorf("witness feeder: %w", err)
		}
	}
	h := l.Head()
	if h.Checkpoint == nil || !st.behind(f.Witnesses, h.Size) {
		return nil
	}
	if !st.urgent && h.Size > st.scanned {
		if st.urgent, err = urgent(ctx, l, st.scanned, h.Size); err != nil {
			return err
		}
		st.scanned = h.Size
	}
	now := f.now()
	if !st.urgent && !st.lastSend.IsZero() && now.Sub(st.lastSend) < f.interval() {
		return nil
	}
	st.lastSend, st.urgent, st.scanned = now, false, h.Size
	var errs []error
	for _, w := range f.Witnesses {
		if st.cosigned[w.Name()] < h.Size {
			errs = append(errs, f.send(ctx, l, h, w, st))
		}
	}
	return errors.Join(errs...)
}

// logState returns what the feeder remembers of production, loading the witnesses'
// cosigned sizes on first use.
func (f *Feeder) logState(ctx context.Context, production string, size uint64) (*logState, error) {
	if st, ok := f.state[production]; ok {
		return st, nil
	}
	cs, err := f.Store.LatestCosignatures(ctx, production)
	if err != nil {
		return nil, fmt.Errorf("witness feeder: %w", err)
	}
	// The first send happens at once, so the entries so far need no scan.
	st := &logState{scanned: size, cosigned: map[string]uint64{}}
	for _, c := range cs {
		st.cosigned[c.Witness] = c.Size
	}
	if f.state == nil {
		f.state = map[string]*logState{}
	}
	f.state[production] = st
	return st, nil
}

// behind reports whether some witness has not cosigned size yet.
func (st *logState) behind(ws []Witness, size uint64) bool {
	for _, w := range ws {
		if st.cosigned[w.Name()] < size {
			return true
		}
	}
	return false
}

// urgent reports whether entries from..to-1 place a hold or open a serious incident.
func urgent(ctx context.Context, l *ledger.Log, from, to uint64) (bool, error) {
	rows, err := l.Entries(ctx, from, to)
	if err != nil {
		return false, fmt.Errorf("witness feeder: %w", err)
	}
	for _, r := range rows {
		e, err := ledger.DecodeEntry(r.Body)
		if err != nil {
			return false, fmt.Errorf("witness feeder: entry %d: %w", r.Index, err)
		}
		switch e.Type {
		case rules.EventHoldPlace:
			return true, nil
		case rules.EventIncidentOpen:
			if in, err := rules.Payload[rules.IncidentData](e.Type, e.Payload); err == nil && in.Serious {
				return true, nil
			}
		}
	}
	return false, nil
}

// send gives one witness the checkpoint of head with a consistency proof from the size
// it last cosigned, and keeps its cosignature. When the witness answers that it last
// cosigned another size (it lost its state, or another process of the deployment fed
// it), send tries once more with a proof from that size.
func (f *Feeder) send(ctx context.Context, l *ledger.Log, h ledger.Head, w Witness, st *logState) error {
	production := l.Production()
	old := st.cosigned[w.Name()]
	for attempt := 0; ; attempt++ {
		if old > h.Size {
			// Not behind any more as far as this witness goes, until the log grows
			// past what it holds; then the proof decides.
			st.cosigned[w.Name()] = old
			return fmt.Errorf("witness %s holds %s at size %d, beyond the log's %d: another process is ahead, or the log lost entries",
				w.Name(), production, old, h.Size)
		}
		proof, err := l.ConsistencyProof(old, h.Size)
		if err != nil {
			return fmt.Errorf("witness %s: %w", w.Name(), err)
		}
		sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
		cosigned, err := w.AddCheckpoint(sendCtx, f.client(), old, proof, h.Checkpoint)
		cancel()
		var stale *StaleError
		if errors.As(err, &stale) && attempt == 0 {
			old = stale.Size
			continue
		}
		if errors.Is(err, ErrInconsistent) {
			f.logger().Error("a witness refuses the log's checkpoint as inconsistent with one it cosigned: the history it saw was rewritten",
				"production", production, "witness", w.Name(), "old", old, "size", h.Size)
		}
		if err != nil {
			return fmt.Errorf("witness %s, %s at size %d: %w", w.Name(), production, h.Size, err)
		}
		c := Cosignature{Production: production, Witness: w.Name(), Size: h.Size, Note: cosigned}
		if err := f.Store.AddCosignature(ctx, c); err != nil {
			return fmt.Errorf("witness %s: keep cosignature of %s at %d: %w", w.Name(), production, h.Size, err)
		}
		st.cosigned[w.Name()] = h.Size
		f.logger().Debug("witness cosigned", "production", production, "witness", w.Name(), "size", h.Size)
		return nil
	}
}

func (f *Feeder) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Feeder) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}

func (f *Feeder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Feeder) interval() time.Duration {
	if f.Interval > 0 {
		return f.Interval
	}
	return DefaultInterval
}
