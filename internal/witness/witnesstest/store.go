package witnesstest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"coldset/internal/witness"
)

// RunStore checks a witness.Store implementation: what it keeps, and which
// cosignature of each witness is the latest. open returns an empty store.
func RunStore(t *testing.T, open func(t *testing.T) witness.Store) {
	ctx := context.Background()
	cosig := func(production, w string, size uint64) witness.Cosignature {
		return witness.Cosignature{Production: production, Witness: w, Size: size,
			Note: fmt.Appendf(nil, "coldset/%s\n%d\nroot\n\n— %s sig\n", production, size, w)}
	}
	t.Run("latest per witness, sorted by name", func(t *testing.T) {
		s := open(t)
		for _, c := range []witness.Cosignature{
			cosig("film-a", "union", 3), cosig("film-a", "union", 10), cosig("film-a", "union", 7),
			cosig("film-a", "insurer", 5), cosig("film-b", "union", 99),
		} {
			if err := s.AddCosignature(ctx, c); err != nil {
				t.Fatalf("AddCosignature: %v", err)
			}
		}
		got, err := s.LatestCosignatures(ctx, "film-a")
		if err != nil {
			t.Fatalf("LatestCosignatures: %v", err)
		}
		want := []witness.Cosignature{cosig("film-a", "insurer", 5), cosig("film-a", "union", 10)}
		if len(got) != len(want) {
			t.Fatalf("LatestCosignatures = %d cosignatures, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i].Production != want[i].Production || got[i].Witness != want[i].Witness ||
				got[i].Size != want[i].Size || !bytes.Equal(got[i].Note, want[i].Note) {
				t.Errorf("cosignature %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	})
	t.Run("second cosignature of one size keeps the first", func(t *testing.T) {
		s := open(t)
		first := cosig("film-a", "union", 4)
		again := first
		again.Note = []byte("another note")
		for _, c := range []witness.Cosignature{first, again} {
			if err := s.AddCosignature(ctx, c); err != nil {
				t.Fatalf("AddCosignature: %v", err)
			}
		}
		got, err := s.LatestCosignatures(ctx, "film-a")
		if err != nil || len(got) != 1 || !bytes.Equal(got[0].Note, first.Note) {
			t.Fatalf("LatestCosignatures = %+v, %v; want the first note", got, err)
		}
	})
	t.Run("no cosignatures", func(t *testing.T) {
		got, err := open(t).LatestCosignatures(ctx, "film-none")
		if err != nil || len(got) != 0 {
			t.Fatalf("LatestCosignatures = %+v, %v; want none", got, err)
		}
	})
}
