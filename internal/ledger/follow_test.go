package ledger_test

import (
	"context"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// TestLedgersFollowEachOtherOnPostgres stands two server processes up as two Ledgers
// on two stores of one database: what one appends, the other's open Log folds in by
// itself, told by the store.
func TestLedgersFollowEachOtherOnPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	s := testSigner(t)
	ctx := context.Background()
	var lgs []*ledger.Ledger
	for range 2 {
		var st store.Store = openPostgres(t, url)
		if _, ok := st.(store.Watcher); !ok {
			t.Fatalf("%T is not a store.Watcher", st)
		}
		lg := ledger.New(st, s, func(string) ledger.Folder { return &listFolder{} })
		t.Cleanup(func() { lg.Close() })
		lgs = append(lgs, lg)
	}
	logs := make([]*ledger.Log, 2)
	for i, lg := range lgs {
		l, err := lg.Log(ctx, "p1")
		if err != nil {
			t.Fatal(err)
		}
		logs[i] = l
	}

	for round, tc := range []struct{ writer, reader int }{{0, 1}, {1, 0}, {0, 1}} {
		for range 3 {
			if _, err := appendOne(logs[tc.writer], "note"); err != nil {
				t.Fatal(err)
			}
		}
		want := uint64(3 * (round + 1))
		start := time.Now()
		for logs[tc.reader].Size() != want {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("round %d: the reading Log has %d entries 5s after the other appended; want %d", round, logs[tc.reader].Size(), want)
			}
			time.Sleep(time.Millisecond)
		}
		t.Logf("round %d: seen by the other Log after %v", round, time.Since(start).Round(time.Microsecond))
		if got := len(folded(logs[tc.reader])); uint64(got) != want {
			t.Fatalf("round %d: the reading Log's folder holds %d entries, want %d", round, got, want)
		}
		if got, want := string(logs[tc.reader].Checkpoint()), string(logs[tc.writer].Checkpoint()); got != want {
			t.Fatalf("round %d: checkpoints differ:\n%s\n%s", round, got, want)
		}
	}
}
