package ledger

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// fillStore writes n synthetic entries to production straight through the store, in
// batches with a valid signed checkpoint each, much faster than appending them one by
// one through a Log.
func fillStore(tb testing.TB, st store.Store, s *Signer, production string, n, batch int) {
	tb.Helper()
	ctx := context.Background()
	tree := NewTree()
	t0 := time.Unix(1700000000, 0)
	for from := 0; from < n; from += batch {
		bodies := make([][]byte, 0, batch)
		for i := from; i < min(from+batch, n); i++ {
			e := Entry{Production: production, Index: uint64(i), Time: t0.Add(time.Duration(i) * time.Millisecond),
				Type: "bench.append", Payload: fmt.Appendf(nil, `{"n":%d,"pad":"%0100d"}`, i, i)}
			b, err := e.Encode()
			if err != nil {
				tb.Fatal(err)
			}
			tree.Append(b)
			bodies = append(bodies, b)
		}
		cp, err := s.SignCheckpoint(production, tree.Size(), tree.Root())
		if err != nil {
			tb.Fatal(err)
		}
		if err := st.Append(ctx, production, uint64(from), bodies, cp); err != nil {
			tb.Fatal(err)
		}
	}
}

func leafHashes(n int) [][]byte {
	hs := make([][]byte, n)
	for i := range hs {
		hs[i] = LeafHash(leafBody(uint64(i)))
	}
	return hs
}

func BenchmarkTreeAppend(b *testing.B) {
	hs := leafHashes(1 << 16)
	tree := NewTree()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tree.AppendLeafHash(hs[i&(1<<16-1)])
	}
}

var (
	millionOnce sync.Once
	million     *Tree
)

// millionTree is a tree of 1,000,000 leaves, built once per test binary.
func millionTree() *Tree {
	millionOnce.Do(func() {
		million = NewTree()
		for _, h := range leafHashes(1_000_000) {
			million.AppendLeafHash(h)
		}
	})
	return million
}

func BenchmarkInclusionProof1M(b *testing.B) {
	tree := millionTree()
	size := tree.Size()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tree.InclusionProof(rand.Uint64N(size), size); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConsistencyProof1M(b *testing.B) {
	tree := millionTree()
	size := tree.Size()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tree.ConsistencyProof(1+rand.Uint64N(size-1), size); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name string
		n    int
		open func(testing.TB) store.Store
	}{
		{"memory/100k", 100_000, func(testing.TB) store.Store { return newMemStore() }},
		{"memory/1M", 1_000_000, func(testing.TB) store.Store { return newMemStore() }},
		{"sqlite/100k", 100_000, storetest.OpenSQLite},
	} {
		b.Run(tc.name, func(b *testing.B) {
			st, s := tc.open(b), testSigner(b)
			fillStore(b, st, s, "p1", tc.n, 10_000)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Verify(context.Background(), st, s.Verifier(), "p1", nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tc.n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkLogDo measures group-committed appends from 16 concurrent writers on a
// SQLite store.
func BenchmarkLogDo(b *testing.B) {
	st, s := storetest.OpenSQLite(b), testSigner(b)
	l, err := Open(context.Background(), st, s, "bench", NewNopFolder)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := appendOne(l, "bench.append"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
