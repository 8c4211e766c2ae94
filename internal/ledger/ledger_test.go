package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

func TestLedgerOpensOneLogPerProduction(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	lg := ledger.New(st, s, func(string) ledger.Folder { return &listFolder{} })
	defer lg.Close()
	ctx := context.Background()

	logs := make([]*ledger.Log, 8)
	var wg sync.WaitGroup
	for i := range logs {
		wg.Go(func() {
			l, err := lg.Log(ctx, "p1")
			if err != nil {
				t.Error(err)
			}
			logs[i] = l
		})
	}
	wg.Wait()
	for _, l := range logs[1:] {
		if l != logs[0] {
			t.Fatal("concurrent Log calls opened two Logs of one production")
		}
	}

	if _, err := lg.Existing(ctx, "p2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Existing on a production without entries: got %v, want ErrNotFound", err)
	}
	if _, err := appendOne(logs[0], "note"); err != nil {
		t.Fatal(err)
	}
	if l, err := lg.Existing(ctx, "p1"); err != nil || l != logs[0] {
		t.Fatalf("Existing on an open production: %v", err)
	}
	if _, err := lg.Log(ctx, "bad\nid"); err == nil {
		t.Fatal("Log with a newline in the id: got nil error")
	}
}

func TestLedgerCatchUpReadsOtherProcesses(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	ctx := context.Background()
	mine := ledger.New(st, s, func(string) ledger.Folder { return &listFolder{} })
	defer mine.Close()
	l, err := mine.Log(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	// Another process appends three entries.
	other := openLog(t, st, s, "p1")
	for range 3 {
		if _, err := appendOne(other, "elsewhere"); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(folded(l)); got != 0 {
		t.Fatalf("before catching up the folder holds %d entries", got)
	}
	if err := mine.CatchUp(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if got := len(folded(l)); got != 3 {
		t.Fatalf("after catching up the folder holds %d entries, want 3", got)
	}
	if got, want := string(l.Checkpoint()), string(other.Checkpoint()); got != want {
		t.Fatalf("checkpoint after catching up:\n%s\nwant\n%s", got, want)
	}
}
