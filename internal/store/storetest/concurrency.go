package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"coldset/internal/store"
)

func testConcurrency(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("one winner per index", func(t *testing.T) { RaceOneWinner(t, open(t)) })
	t.Run("racing appenders leave no gaps or duplicates", func(t *testing.T) { RaceAppenders(t, open(t)) })
}

// RaceOneWinner starts appenders on the given stores (which may be one store, or
// several handles on one database) at the same index, round after round, and checks
// that exactly one wins each round and the others get ErrConflict.
func RaceOneWinner(t *testing.T, stores ...store.Store) {
	t.Helper()
	const appenders, rounds = 8, 20
	ctx := context.Background()
	for round := range uint64(rounds) {
		start := make(chan struct{})
		errs := make([]error, appenders)
		var wg sync.WaitGroup
		for a := range appenders {
			wg.Go(func() {
				<-start
				b := fmt.Appendf(nil, "round %d appender %d", round, a)
				errs[a] = stores[a%len(stores)].Append(ctx, "p", round, [][]byte{b}, fmt.Appendf(nil, "cp %d by %d", round+1, a))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for a, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: appenders %d and %d both won", round, winner, a)
			case err == nil:
				winner = a
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("round %d: appender %d: %v, want nil or ErrConflict", round, a, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no appender won", round)
		}
		es, err := stores[0].Entries(ctx, "p", round, round+1)
		if err != nil {
			t.Fatalf("Entries: %v", err)
		}
		want := fmt.Sprintf("round %d appender %d", round, winner)
		if len(es) != 1 || es[0].Index != round || string(es[0].Body) != want {
			t.Fatalf("round %d: stored %v, want the winner's %q", round, es, want)
		}
		cp, err := stores[0].Checkpoint(ctx, "p")
		if want := fmt.Sprintf("cp %d by %d", round+1, winner); err != nil || string(cp) != want {
			t.Fatalf("round %d: Checkpoint = %q, %v; want the winner's %q", round, cp, err, want)
		}
	}
}

// RaceAppenders runs appenders that each read the size and append a small batch
// there, retrying on ErrConflict, and checks that every acknowledged batch is stored
// once, at consecutive indexes, with nothing else.
func RaceAppenders(t *testing.T, stores ...store.Store) {
	t.Helper()
	const appenders, batchesEach = 6, 15
	ctx := context.Background()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		written = make(map[string]bool)
		failure error
	)
	for a := range appenders {
		s := stores[a%len(stores)]
		wg.Go(func() {
			for batch := 0; batch < batchesEach; batch++ {
				n := 1 + (a+batch)%3
				bs := make([][]byte, n)
				for i := range bs {
					bs[i] = fmt.Appendf(nil, "appender %d batch %d row %d", a, batch, i)
				}
				for attempt := 0; ; attempt++ {
					next, err := s.Size(ctx, "p")
					if err == nil {
						err = s.Append(ctx, "p", next, bs, fmt.Appendf(nil, "cp %d", next+uint64(n)))
					}
					if err == nil {
						break
					}
					if !errors.Is(err, store.ErrConflict) || attempt > 1000 {
						mu.Lock()
						failure = fmt.Errorf("appender %d batch %d attempt %d: %w", a, batch, attempt, err)
						mu.Unlock()
						return
					}
				}
				mu.Lock()
				for _, b := range bs {
					written[string(b)] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	size, err := stores[0].Size(ctx, "p")
	if err != nil {
		t.Fatalf("Size: %v", err)
	}
	if size != uint64(len(written)) {
		t.Errorf("Size = %d, want %d (rows acknowledged)", size, len(written))
	}
	es, err := stores[0].Entries(ctx, "p", 0, size+10)
	if err != nil {
		t.Fatalf("Entries: %v", err)
	}
	seen := make(map[string]bool)
	for i, e := range es {
		if e.Index != uint64(i) {
			t.Fatalf("entry %d has index %d: a gap", i, e.Index)
		}
		if seen[string(e.Body)] {
			t.Errorf("entry %d: %q stored twice", i, e.Body)
		}
		seen[string(e.Body)] = true
		if !written[string(e.Body)] {
			t.Errorf("entry %d: %q was never acknowledged", i, e.Body)
		}
	}
	if len(seen) != len(written) {
		t.Errorf("stored %d distinct rows, acknowledged %d", len(seen), len(written))
	}
	cp, err := stores[0].Checkpoint(ctx, "p")
	if want := fmt.Sprintf("cp %d", size); err != nil || string(cp) != want {
		t.Errorf("Checkpoint = %q, %v; want %q", cp, err, want)
	}
}
