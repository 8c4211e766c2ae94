package bench

import (
	"context"
	"fmt"
	"math"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// rebuildParts is what opening a production costs, stage by stage, each timed on its
// own, on one goroutine, over the same entries: reading them from the store, decoding
// the bodies, folding the events into the rules' state, and hashing them into the
// tree. The rebuild itself overlaps them (the next range is read while the last is
// decoded and hashed on every CPU and folded in order), so it takes less than their
// sum: on 2 CPUs about the read or half the total, whichever is longer.
type rebuildParts struct {
	read, decode, fold, tree time.Duration
}

func (p rebuildParts) String() string {
	return fmt.Sprintf("read %v, decode %v, fold %v, tree %v", fmtDur(p.read), fmtDur(p.decode), fmtDur(p.fold), fmtDur(p.tree))
}

// timeRebuildParts times each stage of opening production id over its n entries.
func timeRebuildParts(ctx context.Context, st store.Store, id string, n uint64) (rebuildParts, error) {
	var p rebuildParts
	t := time.Now()
	rows, err := st.Entries(ctx, id, 0, math.MaxInt64)
	if err != nil {
		return p, err
	}
	p.read = time.Since(t)
	if uint64(len(rows)) != n {
		return p, fmt.Errorf("rebuild parts of %s: %d rows, want %d", id, len(rows), n)
	}
	events := make([]rules.Event, len(rows))
	t = time.Now()
	for i, r := range rows {
		e, err := ledger.DecodeEntry(r.Body)
		if err != nil {
			return p, err
		}
		events[i] = rules.Event{Type: e.Type, Time: e.Time, Actor: e.Actor, Data: e.Payload}
	}
	p.decode = time.Since(t)
	s := rules.New()
	t = time.Now()
	for _, ev := range events {
		if err := s.Apply(ev); err != nil {
			return p, err
		}
	}
	p.fold = time.Since(t)
	tree := ledger.NewTree()
	t = time.Now()
	for _, r := range rows {
		tree.Append(r.Body)
	}
	p.tree = time.Since(t)
	return p, nil
}
