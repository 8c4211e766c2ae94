package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/production"
)

// Scheduler raises every deadline at its time: it sleeps until the earliest next
// deadline over all productions, then ticks each production that is due. Its first
// round ticks every production to now, which catches up on deadlines that passed
// while no server ran.
//
// Several processes on one database may each run a Scheduler. A tick is decided
// against the production's state and appended at the next index; when another
// process ticked first the append conflicts, the log catches up, and the tick is
// decided again on the new state, where the deadline has already been raised: it is
// recorded once.
type Scheduler struct {
	Ledger *ledger.Ledger
	Clock  Clock
	// Poll is how often, in wall-clock time, to look for productions and entries that
	// other processes wrote (a new concern brings a new deadline). 0: one second.
	Poll   time.Duration
	Logger *slog.Logger
	// Ticked, if set, is called after a round that recorded deadline events.
	Ticked func()
}

// Run ticks until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.Poll == 0 {
		s.Poll = time.Second
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	for {
		next, ok, err := s.Round(ctx)
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("scheduler round failed", "err", err)
		}
		var due <-chan struct{}
		release := func() {}
		if ok {
			due, release = s.Clock.Until(next)
		}
		poll := time.NewTimer(s.Poll)
		select {
		case <-ctx.Done():
			poll.Stop()
			release()
			return nil
		case <-due:
		case <-poll.C:
		}
		poll.Stop()
		release()
	}
}

// Round ticks every production whose next deadline is at or before the clock's now,
// after reading what other processes appended, and returns the earliest deadline
// still ahead. It goes on past a production that fails, and reports the first error.
func (s *Scheduler) Round(ctx context.Context) (next time.Time, ok bool, err error) {
	ids, err := s.Ledger.Productions(ctx)
	if err != nil {
		return next, false, fmt.Errorf("scheduler: %w", err)
	}
	ticked := false
	var firstErr error
	for _, id := range ids {
		l, err := s.Ledger.Log(ctx, id)
		if err == nil {
			err = l.CatchUp(ctx)
		}
		if err != nil {
			firstErr = cmpErr(firstErr, fmt.Errorf("scheduler: %s: %w", id, err))
			continue
		}
		p, err := production.FromLog(l)
		if err != nil {
			firstErr = cmpErr(firstErr, fmt.Errorf("scheduler: %w", err))
			continue
		}
		now := s.Clock.Now()
		if d, due := p.NextDeadline(); due && !d.After(now) {
			if _, err := p.Tick(ctx, now); err != nil {
				firstErr = cmpErr(firstErr, fmt.Errorf("scheduler: %w", err))
				continue
			}
			ticked = true
		}
		if d, due := p.NextDeadline(); due && (!ok || d.Before(next)) {
			next, ok = d, true
		}
	}
	if ticked && s.Ticked != nil {
		s.Ticked()
	}
	return next, ok, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
