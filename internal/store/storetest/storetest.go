// Package storetest is the conformance suite every store.Store implementation must
// pass, with helpers that open real, isolated backends for other packages' tests.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"coldset/internal/store"
)

// Run checks open's stores against the store.Store contract. open is called once per
// case and must return an empty store that the test's cleanup closes.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("append", func(t *testing.T) { testAppend(t, open) })
	t.Run("conflict", func(t *testing.T) { testConflict(t, open) })
	t.Run("entries", func(t *testing.T) { testEntries(t, open) })
	t.Run("checkpoint", func(t *testing.T) { testCheckpoint(t, open) })
	t.Run("productions", func(t *testing.T) { testProductions(t, open) })
	t.Run("isolation", func(t *testing.T) { testIsolation(t, open) })
	t.Run("bodies", func(t *testing.T) { testBodies(t, open) })
	t.Run("concurrency", func(t *testing.T) { testConcurrency(t, open) })
}

// body is the deterministic test body for index i of production p.
func body(p string, i uint64) []byte { return fmt.Appendf(nil, `{"production":%q,"index":%d}`, p, i) }

// bodies returns the test bodies for indexes from, from+1, ..., from+n-1.
func bodies(p string, from uint64, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = body(p, from+uint64(i))
	}
	return out
}

// checkpointFor is the test checkpoint for production p at size n.
func checkpointFor(p string, n uint64) []byte {
	return fmt.Appendf(nil, "coldset/%s\n%d\nroot\n", p, n)
}

// fill appends batches of the given sizes to p, each with its checkpoint.
func fill(t *testing.T, s store.Store, p string, sizes ...int) uint64 {
	t.Helper()
	var next uint64
	for _, n := range sizes {
		if err := s.Append(context.Background(), p, next, bodies(p, next, n), checkpointFor(p, next+uint64(n))); err != nil {
			t.Fatalf("Append(%q, %d, %d bodies): %v", p, next, n, err)
		}
		next += uint64(n)
	}
	return next
}

// wantLog checks that p's log is exactly the test bodies 0..size-1 and that its
// latest checkpoint is cp (nil: none).
func wantLog(t *testing.T, s store.Store, p string, size uint64, cp []byte) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Size(ctx, p)
	if err != nil {
		t.Fatalf("Size(%q): %v", p, err)
	}
	if got != size {
		t.Errorf("Size(%q) = %d, want %d", p, got, size)
	}
	es, err := s.Entries(ctx, p, 0, math.MaxUint64)
	if err != nil {
		t.Fatalf("Entries(%q): %v", p, err)
	}
	wantEntries(t, es, p, 0, size)
	gotCP, err := s.Checkpoint(ctx, p)
	switch {
	case cp == nil && !errors.Is(err, store.ErrNotFound):
		t.Errorf("Checkpoint(%q) = %q, %v; want ErrNotFound", p, gotCP, err)
	case cp != nil && err != nil:
		t.Errorf("Checkpoint(%q): %v", p, err)
	case cp != nil && !bytes.Equal(gotCP, cp):
		t.Errorf("Checkpoint(%q) = %q, want %q", p, gotCP, cp)
	}
}

// wantEntries checks that es are the test bodies of p at from, from+1, ..., to-1.
func wantEntries(t *testing.T, es []store.Entry, p string, from, to uint64) {
	t.Helper()
	if uint64(len(es)) != to-from {
		t.Errorf("got %d entries, want %d (indexes [%d, %d))", len(es), to-from, from, to)
	}
	for i, e := range es {
		want := from + uint64(i)
		if e.Index != want {
			t.Errorf("entry %d: Index = %d, want %d", i, e.Index, want)
			return
		}
		if !bytes.Equal(e.Body, body(p, want)) {
			t.Errorf("entry %d: Body = %q, want %q", want, e.Body, body(p, want))
		}
	}
}

func testAppend(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name    string
		batches []int
		want    uint64
	}{
		{"one entry to an empty log", []int{1}, 1},
		{"one batch to an empty log", []int{5}, 5},
		{"batches continue at the size", []int{1, 3, 2}, 6},
		{"batch larger than one insert statement", []int{1000, 1}, 1001},
		{"batch of no entries keeps the size", []int{2, 0}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			size := fill(t, s, "p", tt.batches...)
			wantLog(t, s, "p", tt.want, checkpointFor("p", size))
		})
	}
}

func testConflict(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name  string
		size  uint64 // entries appended first, one batch
		next  uint64
		batch int
	}{
		{"empty log, next 1", 0, 1, 1},
		{"next behind the size", 3, 2, 1},
		{"next zero on a non-empty log", 3, 0, 3},
		{"next ahead of the size", 3, 4, 1},
		{"large batch writes none of its rows", 3, 1, 600},
		{"empty batch at the wrong next", 3, 1, 0},
		{"next beyond any storable index", 3, math.MaxUint64, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			var cp []byte
			if tt.size > 0 {
				fill(t, s, "p", int(tt.size))
				cp = checkpointFor("p", tt.size)
			}
			// The conflicting batch carries bodies and a checkpoint that must not appear.
			bad := make([][]byte, tt.batch)
			for i := range bad {
				bad[i] = []byte("conflicting")
			}
			err := s.Append(context.Background(), "p", tt.next, bad, []byte("conflicting checkpoint"))
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Append at %d on a log of %d = %v, want ErrConflict", tt.next, tt.size, err)
			}
			wantLog(t, s, "p", tt.size, cp)
			// The log still takes the right next index.
			if err := s.Append(context.Background(), "p", tt.size, bodies("p", tt.size, 1), checkpointFor("p", tt.size+1)); err != nil {
				t.Fatalf("Append at the size after a conflict: %v", err)
			}
			wantLog(t, s, "p", tt.size+1, checkpointFor("p", tt.size+1))
		})
	}
}

func testEntries(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	fill(t, s, "p", 4, 6) // indexes 0..9
	tests := []struct {
		name           string
		production     string
		from, to       uint64
		wantFrom, want uint64 // expected indexes [wantFrom, want)
	}{
		{"whole log", "p", 0, 10, 0, 10},
		{"middle", "p", 3, 7, 3, 7},
		{"one entry", "p", 9, 10, 9, 10},
		{"to beyond the end", "p", 8, 100, 8, 10},
		{"to max uint64", "p", 0, math.MaxUint64, 0, 10},
		{"from at the end", "p", 10, 20, 0, 0},
		{"from beyond the end", "p", 50, 60, 0, 0},
		{"from equals to", "p", 5, 5, 0, 0},
		{"from after to", "p", 7, 3, 0, 0},
		{"empty log", "q", 0, 10, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := s.Entries(context.Background(), tt.production, tt.from, tt.to)
			if err != nil {
				t.Fatalf("Entries(%q, %d, %d): %v", tt.production, tt.from, tt.to, err)
			}
			wantEntries(t, es, tt.production, tt.wantFrom, tt.want)
		})
	}
}

func testCheckpoint(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	t.Run("not found before any append", func(t *testing.T) {
		s := open(t)
		if cp, err := s.Checkpoint(ctx, "p"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Checkpoint = %q, %v; want ErrNotFound", cp, err)
		}
	})
	t.Run("latest after several appends", func(t *testing.T) {
		s := open(t)
		fill(t, s, "p", 1, 2, 3)
		wantLog(t, s, "p", 6, checkpointFor("p", 6))
	})
	t.Run("append without a checkpoint keeps the previous one", func(t *testing.T) {
		s := open(t)
		fill(t, s, "p", 2)
		if err := s.Append(ctx, "p", 2, bodies("p", 2, 1), nil); err != nil {
			t.Fatalf("Append without checkpoint: %v", err)
		}
		wantLog(t, s, "p", 3, checkpointFor("p", 2))
	})
	t.Run("empty batch replaces the checkpoint of the same size", func(t *testing.T) {
		s := open(t)
		fill(t, s, "p", 2)
		resigned := []byte("coldset/p\n2\nroot\nnew signature\n")
		if err := s.Append(ctx, "p", 2, nil, resigned); err != nil {
			t.Fatalf("Append of no entries: %v", err)
		}
		wantLog(t, s, "p", 2, resigned)
	})
	t.Run("checkpoint bytes kept exactly", func(t *testing.T) {
		s := open(t)
		cp := []byte{0xff, 0x00, 'c', 0xc3, 0x28, '\n', 0x80}
		if err := s.Append(ctx, "p", 0, bodies("p", 0, 1), cp); err != nil {
			t.Fatalf("Append: %v", err)
		}
		wantLog(t, s, "p", 1, cp)
	})
}
