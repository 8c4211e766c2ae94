package loadgen

import (
	"context"
	"fmt"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// FillBatch is how many entries one store append of Fill carries: large batches make
// filling a million-entry production take seconds, not hours.
const FillBatch = 10_000

// FillLanes is how many firearms and actors a filled production works with; lanes
// from FillLanes on are free for appending to it later.
const FillLanes = 8

// HistoryStart is the midnight (UTC) a filled production's history starts at: far
// enough back that a million events end before today.
var HistoryStart = time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)

// Fill writes production id straight into st: the events of History as ledger
// entries, FillBatch at a time, each batch with a checkpoint signed by s. The log
// then reads back exactly as if every action had gone through production.Do, much
// faster than that. It stops at the first round's end after n entries, and returns
// the number of entries and the total size of their bodies. The log must be empty.
func Fill(ctx context.Context, st store.Store, s *ledger.Signer, id string, n int) (int, int64, error) {
	if size, err := st.Size(ctx, id); err != nil || size > 0 {
		return 0, 0, fmt.Errorf("fill %s: the log is not empty (size %d, %v)", id, size, err)
	}
	tree := ledger.NewTree()
	bodies := make([][]byte, 0, FillBatch)
	var total int64
	var prev []byte // the leaf hash of the entry before, which a Log chains each entry to
	flush := func() error {
		if len(bodies) == 0 {
			return nil
		}
		next := tree.Size()
		for _, b := range bodies {
			tree.Append(b)
		}
		cp, err := s.SignCheckpoint(id, tree.Size(), tree.Root())
		if err != nil {
			return err
		}
		if err := st.Append(ctx, id, next, bodies, cp); err != nil {
			return fmt.Errorf("fill %s: %w", id, err)
		}
		bodies = bodies[:0]
		return nil
	}
	count, err := History(id, FillLanes, n, HistoryStart, func(ev rules.Event) error {
		e := ledger.Entry{Production: id, Index: tree.Size() + uint64(len(bodies)), Prev: prev, Time: ev.Time, Actor: ev.Actor, Type: ev.Type, Payload: ev.Data}
		b, err := e.Encode()
		if err != nil {
			return err
		}
		prev = ledger.LeafHash(b)
		total += int64(len(b))
		if bodies = append(bodies, b); len(bodies) == FillBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return count, total, err
}
