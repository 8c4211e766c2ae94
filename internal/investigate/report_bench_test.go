package investigate_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/investigate"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/store/storetest"
)

// BenchmarkReport measures, at growing production sizes, loading a production as an
// investigator does (checked against its checkpoint), building its report with the
// HTML page, and writing its evidence bundle. The time per event should not grow.
func BenchmarkReport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) { benchReport(b, n) })
	}
}

// benchReport fills a production of about n events and times each step on it.
func benchReport(b *testing.B, n int) {
	ctx := context.Background()
	st := storetest.OpenSQLite(b)
	keyPath := filepath.Join(b.TempDir(), "coldset.key")
	s, err := ledger.LoadOrCreateKey(keyPath)
	if err != nil {
		b.Fatal(err)
	}
	count, _, err := loadgen.Fill(ctx, st, s, "p1", n)
	if err != nil {
		b.Fatal(err)
	}
	skey, err := os.ReadFile(keyPath)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		b.Fatal(err)
	}
	rec, err := investigate.Load(ctx, st, s.Verifier(), "p1")
	if err != nil {
		b.Fatal(err)
	}
	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(count), "ns/event")
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := investigate.Load(ctx, st, s.Verifier(), "p1"); err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	b.Run("build+html", func(b *testing.B) {
		for b.Loop() {
			r, err := investigate.Build(rec, investigate.Options{})
			if err == nil {
				_, err = investigate.HTML(r)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			if err := investigate.Export(io.Discard, rec, signer, s.VerifierKey(), investigate.Options{}, nil); err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
}
