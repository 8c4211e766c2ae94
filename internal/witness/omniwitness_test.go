package witness_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/witness"
	"coldset/internal/witness/witnesstest"
)

// feed runs one feeder pass and returns the latest cosignature the store holds.
func feed(t *testing.T, f *witness.Feeder, production string) witness.Cosignature {
	t.Helper()
	if err := f.Step(context.Background()); err != nil {
		t.Fatalf("Step: %v", err)
	}
	cs, err := f.Store.LatestCosignatures(context.Background(), production)
	if err != nil || len(cs) != 1 {
		t.Fatalf("LatestCosignatures = %v, %v; want one", cs, err)
	}
	return cs[0]
}

// checkCosigned checks a kept cosignature: the deployment's signature and the
// witness's, over the checkpoint of the given size.
func checkCosigned(t *testing.T, c witness.Cosignature, s *ledger.Signer, w witness.Witness, size uint64) {
	t.Helper()
	if c.Size != size || c.Witness != w.Name() {
		t.Fatalf("cosignature of %s at %d, want %s at %d", c.Witness, c.Size, w.Name(), size)
	}
	if _, cp, err := ledger.OpenCheckpoint(c.Note, s.Verifier()); err != nil || cp.Size != size {
		t.Fatalf("kept note as a checkpoint: size %d, %v", cp.Size, err)
	}
	at, err := witness.VerifyCosignature(c.Note, w.Verifier)
	if err != nil {
		t.Fatalf("VerifyCosignature: %v\n%s", err, c.Note)
	}
	if d := time.Since(at); d < -time.Minute || d > time.Minute {
		t.Errorf("cosigned at %v, not about now", at)
	}
}

// The omniwitness of github.com/transparency-dev/witness, as a separate process,
// cosigns coldset's checkpoints, follows the log with consistency proofs, and refuses
// a rewritten history.
func TestOmniwitnessCosigns(t *testing.T) {
	const production = "film-witnessed"
	ctx := context.Background()
	signer := newSigner(t)
	ow := witnesstest.Start(t, witnesstest.Log{Origin: ledger.Origin(production), VKey: signer.VerifierKey()})
	w, err := witness.Parse(ow.URL + "=" + ow.VKey)
	if err != nil {
		t.Fatal(err)
	}
	lg, st := openLedger(t, signer)
	now := time.Now()
	newFeeder := func(lg *ledger.Ledger, st witness.Store) *witness.Feeder {
		return &witness.Feeder{Ledger: lg, Store: st, Witnesses: []witness.Witness{w},
			Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	}

	f := newFeeder(lg, st)
	appendN(t, lg, production, "genuine", 3)
	checkCosigned(t, feed(t, f, production), signer, w, 3)

	t.Run("larger checkpoint cosigned with a consistency proof", func(t *testing.T) {
		appendN(t, lg, production, "genuine", 5)
		now = now.Add(time.Minute)
		checkCosigned(t, feed(t, f, production), signer, w, 8)
	})
	t.Run("restarted feeder proves from the size it kept", func(t *testing.T) {
		appendN(t, lg, production, "genuine", 2)
		checkCosigned(t, feed(t, newFeeder(lg, st), production), signer, w, 10)
	})
	t.Run("feeder that lost its state learns the size from the witness", func(t *testing.T) {
		appendN(t, lg, production, "genuine", 1)
		checkCosigned(t, feed(t, newFeeder(lg, &mapStore{}), production), signer, w, 11)
	})

	// A forked log: the same production rewritten in another database, signed with the
	// deployment's own key.
	forks := []struct {
		name    string
		entries int
	}{
		{"fork with the same size", 11},
		{"fork with more entries", 14},
	}
	for _, fk := range forks {
		t.Run(fk.name+" refused", func(t *testing.T) {
			forged, _ := openLedger(t, signer)
			appendN(t, forged, production, "rewritten", fk.entries)
			err := newFeeder(forged, &mapStore{}).Step(ctx)
			if !errors.Is(err, witness.ErrInconsistent) {
				t.Fatalf("Step on the forked log: %v, want ErrInconsistent", err)
			}
		})
	}

	t.Run("genuine log still cosigned after the forks", func(t *testing.T) {
		appendN(t, lg, production, "genuine", 4)
		now = now.Add(time.Minute)
		checkCosigned(t, feed(t, f, production), signer, w, 15)
	})
	// The spec answers these two with 403 and 404; the omniwitness at the pinned version
	// answers 500 (it wraps neither the note's verification error nor its database's
	// missing row), so only the refusal is checked here. The mapping of each status is
	// tested in TestAddCheckpointAnswers.
	refusals := []struct {
		name       string
		production string
		signer     *ledger.Signer
	}{
		{"checkpoint signed by another key refused", production, newSigner(t)},
		{"production the witness does not know refused", "film-unknown", signer},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			other, _ := openLedger(t, r.signer)
			appendN(t, other, r.production, "genuine", 16)
			kept := &mapStore{}
			if err := newFeeder(other, kept).Step(ctx); err == nil {
				t.Fatal("Step: no error, want a refusal")
			}
			if cs, _ := kept.LatestCosignatures(ctx, r.production); len(cs) != 0 {
				t.Errorf("kept %d cosignatures of a refused checkpoint", len(cs))
			}
		})
	}
}
