package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"

	"coldset/internal/store"
)

// benchBody is about the size of an encoded ledger entry.
var benchBody = []byte(`{"production":"bench","index":0,"time":"2025-06-01T14:03:07.123456789Z","actor":"p-armorer-1","type":"firearm.handoff","payload":{"firearm":"f-17","from":"armory","to":"p-actor-4","inspected_at":"2025-06-01T14:01:55Z","location":"stage 3"}}`)

// benchCheckpoint is about the size of a signed checkpoint note.
var benchCheckpoint = []byte("coldset/bench\n123456\nq7yoE6Vh0l2xKvzQhH2mJm6mKk3xZs9Wl7tgP4bZ0mA=\n\n— coldset/bench Az3grl8bF+PLNh4XqZ2mRkQ8aQrL9w6y3uVb0cHtJm1nXcS0i2Yr7mKp5eW4tQ9dUf3zHn8Lx6oVbA1sYc2E=\n")

// Bench measures open's stores: appending batches of 1, 64 and 512 entries (each
// batch one transaction with its checkpoint, as group commit writes them) and
// reading back a range of 100,000 entries.
func Bench(b *testing.B, open func(tb testing.TB) store.Backend) {
	for _, n := range []int{1, 64, 512} {
		b.Run(fmt.Sprintf("append batch=%d", n), func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			batch := make([][]byte, n)
			for i := range batch {
				batch[i] = benchBody
			}
			b.SetBytes(int64(n * len(benchBody)))
			var next uint64
			for b.Loop() {
				if err := s.Append(ctx, "bench", next, batch, benchCheckpoint); err != nil {
					b.Fatalf("Append at %d: %v", next, err)
				}
				next += uint64(n)
			}
			b.ReportMetric(float64(next)/b.Elapsed().Seconds(), "entries/s")
		})
	}
	b.Run("entries 100000", func(b *testing.B) {
		const total, batch = 100_000, 1000
		s := open(b)
		ctx := context.Background()
		rows := make([][]byte, batch)
		for i := range rows {
			rows[i] = benchBody
		}
		for next := uint64(0); next < total; next += batch {
			if err := s.Append(ctx, "bench", next, rows, benchCheckpoint); err != nil {
				b.Fatalf("Append at %d: %v", next, err)
			}
		}
		b.SetBytes(total * int64(len(benchBody)))
		for b.Loop() {
			es, err := s.Entries(ctx, "bench", 0, math.MaxUint64)
			if err != nil || len(es) != total {
				b.Fatalf("Entries = %d rows, %v; want %d", len(es), err, total)
			}
		}
	})
}
