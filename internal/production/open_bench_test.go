package production_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/production"
	"coldset/internal/store/storetest"
)

// BenchmarkOpen measures opening a production of growing size from SQLite: reading
// every entry, decoding it, folding it into the rules' state and rebuilding the
// tree. The time per event should not grow with the production.
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.OpenSQLite(b)
			s, err := ledger.LoadOrCreateKey(filepath.Join(b.TempDir(), "coldset.key"))
			if err != nil {
				b.Fatal(err)
			}
			count, _, err := loadgen.Fill(ctx, st, s, "p1", n)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				p, err := production.Open(ctx, st, s, "p1")
				if err != nil {
					b.Fatal(err)
				}
				p.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(count), "ns/event")
		})
	}
}
