package ledger_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"coldset/internal/ledger"
)

// TestRebuildAcrossRanges opens and verifies a log that spans several read ranges,
// some split among the CPUs and some not, and catches up across ranges: every entry
// is folded once, in order, as DecodeEntry reads its body, and the tree matches the
// checkpoints.
func TestRebuildAcrossRanges(t *testing.T) {
	ledger.SetReadChunk(t, 300)
	ctx := context.Background()
	st, s := openStore(t), testSigner(t)
	const n = 1000
	fillStore(t, st, s, "p1", 700, 70)

	l := openLog(t, st, s, "p1")
	other := openLog(t, st, s, "p1") // another process's Log, catching up later
	fillStoreFrom(t, st, s, "p1", 700, n, 100)
	if err := other.CatchUp(ctx); err != nil {
		t.Fatalf("catch up 700..%d: %v", n, err)
	}
	if err := l.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Entries(ctx, "p1", 0, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, lg := range []*ledger.Log{l, other} {
		got := folded(lg)
		if len(got) != n || lg.Size() != n {
			t.Fatalf("folded %d entries, size %d, want %d", len(got), lg.Size(), n)
		}
		for i, r := range rows {
			want, err := ledger.DecodeEntry(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[i], want) {
				t.Fatalf("entry %d folded as %+v, want %+v", i, got[i], want)
			}
		}
	}
	wantVerified(t, st, s, "p1", n)
}

// TestRebuildNamesBadEntryInLaterRange checks that a body that no longer decodes is
// named, by rebuild and verification, when it lies in a range read ahead, after
// ranges that were fine.
func TestRebuildNamesBadEntryInLaterRange(t *testing.T) {
	ledger.SetReadChunk(t, 300)
	ctx := context.Background()
	st, s := openStore(t), testSigner(t)
	fillStore(t, st, s, "p1", 1000, 100)
	st.exec(t, "UPDATE entries SET body = ? WHERE production = 'p1' AND idx = 650", []byte("not json"))
	_, err := ledger.Open(ctx, st, s, "p1", newListFolder)
	if err == nil || !strings.Contains(err.Error(), "entry 650:") {
		t.Fatalf("open: got %v, want entry 650 named", err)
	}
	_, err = ledger.Verify(ctx, st, s.Verifier(), "p1", nil)
	if m, ok := err.(*ledger.Mismatch); !ok || !m.HasIndex || m.Index != 650 {
		t.Fatalf("verify: got %v, want first bad index 650", err)
	}
	st.exec(t, "DELETE FROM entries WHERE production = 'p1' AND idx = 920")
	if _, err := ledger.Open(ctx, st, s, "p1", ledger.NewNopFolder); err == nil || !strings.Contains(err.Error(), "entry 920 is missing") {
		t.Fatalf("open without decoding: got %v, want entry 920 missing", err)
	}
}
