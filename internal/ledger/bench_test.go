package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// fillStore writes n synthetic entries, chained as a Log chains them, to production
// straight through the store, in batches with a valid signed checkpoint each: much
// faster than appending them one by one through a Log.
func fillStore(tb testing.TB, st store.Store, s *ledger.Signer, production string, n, batch int) {
	tb.Helper()
	fillStoreFrom(tb, st, s, production, 0, n, batch)
}

// fillStoreFrom is fillStore for the entries start..n-1 of a production that holds
// the ones before.
func fillStoreFrom(tb testing.TB, st store.Store, s *ledger.Signer, production string, start, n, batch int) {
	tb.Helper()
	ctx := context.Background()
	tree := ledger.NewTree()
	stored, err := st.Entries(ctx, production, 0, uint64(start))
	if err != nil || len(stored) != start {
		tb.Fatalf("read the %d entries before: %v (%d rows)", start, err, len(stored))
	}
	var prev []byte
	for _, r := range stored {
		prev = ledger.LeafHash(r.Body)
		tree.AppendLeafHash(prev)
	}
	t0 := time.Unix(1700000000, 0)
	for from := start; from < n; from += batch {
		bodies := make([][]byte, 0, batch)
		for i := from; i < min(from+batch, n); i++ {
			e := ledger.Entry{Production: production, Index: uint64(i), Prev: prev, Time: t0.Add(time.Duration(i) * time.Millisecond),
				Type: "bench.append", Payload: fmt.Appendf(nil, `{"n":%d,"pad":"%0100d"}`, i, i)}
			b, err := e.Encode()
			if err != nil {
				tb.Fatal(err)
			}
			prev = ledger.LeafHash(b)
			tree.AppendLeafHash(prev)
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
		hs[i] = ledger.LeafHash(leafBody(uint64(i)))
	}
	return hs
}

func BenchmarkTreeAppend(b *testing.B) {
	hs := leafHashes(1 << 16)
	tree := ledger.NewTree()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tree.AppendLeafHash(hs[i&(1<<16-1)])
	}
}

var (
	millionOnce sync.Once
	million     *ledger.Tree
)

// millionTree is a tree of 1,000,000 leaves, built once per test binary.
func millionTree() *ledger.Tree {
	millionOnce.Do(func() {
		million = ledger.NewTree()
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

// BenchmarkVerify measures verification of logs in SQLite, and of one copied into
// memory, which is the verification alone. Each log is written once
// per benchmark binary run, the million-entry one in a single store append.
func BenchmarkVerify(b *testing.B) {
	s := testSigner(b)
	for _, tc := range []struct {
		name   string
		n      int
		batch  int
		memory bool // the entries copied into memory: verification without the read
	}{
		{"sqlite/100k", 100_000, 10_000, false},
		{"sqlite/1M", 1_000_000, 1_000_000, false},
		{"memory/1M", 1_000_000, 1_000_000, true},
	} {
		var st store.Store // filled on first use, kept across the runs of b.Run
		b.Run(tc.name, func(sb *testing.B) {
			if st == nil {
				st = storetest.OpenSQLite(b)
				fillStore(sb, st, s, "p1", tc.n, tc.batch)
				if tc.memory {
					st = copyToMemory(sb, st, "p1")
				}
			}
			sb.ResetTimer()
			for i := 0; i < sb.N; i++ {
				if _, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", nil); err != nil {
					sb.Fatal(err)
				}
			}
			sb.ReportMetric(float64(tc.n)*float64(sb.N)/sb.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkLogDo measures group-committed appends from 16 concurrent writers on a
// SQLite store.
func BenchmarkLogDo(b *testing.B) {
	st, s := storetest.OpenSQLite(b), testSigner(b)
	l, err := ledger.Open(context.Background(), st, s, "bench", ledger.NewNopFolder)
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

// memStore is one production's stored rows and latest checkpoint held in memory.
type memStore struct {
	store.Store // the store they were copied from, for everything else
	rows        []store.Entry
	checkpoint  []byte
}

func copyToMemory(tb testing.TB, st store.Store, production string) *memStore {
	tb.Helper()
	ctx := context.Background()
	n, err := st.Size(ctx, production)
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := st.Entries(ctx, production, 0, n)
	if err != nil {
		tb.Fatal(err)
	}
	cp, err := st.Checkpoint(ctx, production)
	if err != nil {
		tb.Fatal(err)
	}
	return &memStore{Store: st, rows: rows, checkpoint: cp}
}

func (m *memStore) Entries(_ context.Context, _ string, from, to uint64) ([]store.Entry, error) {
	to = min(to, uint64(len(m.rows)))
	if from >= to {
		return nil, nil
	}
	return m.rows[from:to], nil
}

func (m *memStore) Size(context.Context, string) (uint64, error) { return uint64(len(m.rows)), nil }

func (m *memStore) Checkpoint(context.Context, string) ([]byte, error) { return m.checkpoint, nil }
