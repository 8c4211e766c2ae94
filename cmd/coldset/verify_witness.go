package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/witness"
)

// witnessKeys is the repeatable --witness-key flag of verify: the keys of witnesses
// whose cosignatures the kept checkpoint must carry.
type witnessKeys struct {
	keys      []string
	verifiers []note.Verifier
}

func (k *witnessKeys) register(fs *flag.FlagSet) {
	fs.Func("witness-key", "with --checkpoint: a witness's verifier key; the kept checkpoint must carry its valid cosignature (repeatable)",
		func(s string) error {
			v, err := witness.NewVerifier(strings.TrimSpace(s))
			if err != nil {
				return err
			}
			k.keys = append(k.keys, s)
			k.verifiers = append(k.verifiers, v)
			return nil
		})
}

// check prints, for each witness key, whether the kept checkpoint carries that
// witness's valid cosignature, and reports whether all of them do. The deployment's
// own signature and what the checkpoint commits to are checked by ledger.Verify.
func (k *witnessKeys) check(w io.Writer, kept []byte) bool {
	ok := true
	for _, v := range k.verifiers {
		at, err := witness.VerifyCosignature(kept, v)
		if err != nil {
			fmt.Fprintf(w, "checkpoint: %v\n", err)
			ok = false
			continue
		}
		fmt.Fprintf(w, "checkpoint: cosigned by witness %s at %s\n", v.Name(), at.Format("2006-01-02T15:04:05Z"))
	}
	return ok
}

// printCosigned writes production's latest cosigned checkpoint: the largest size a
// witness cosigned, carrying the deployment's signature and those of every witness
// that cosigned that size. Kept in a file, it is what `coldset verify --checkpoint
// FILE --witness-key KEY` checks.
func printCosigned(ctx context.Context, ws witness.Store, production string, w io.Writer) error {
	cs, err := ws.LatestCosignatures(ctx, production)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return fmt.Errorf("production %s has no cosigned checkpoint", production)
	}
	var size uint64
	for _, c := range cs {
		size = max(size, c.Size)
	}
	var notes [][]byte
	for _, c := range cs {
		if c.Size == size {
			notes = append(notes, c.Note)
		}
	}
	merged, err := witness.Merge(notes...)
	if err != nil {
		return fmt.Errorf("production %s at %d: %w", production, size, err)
	}
	_, err = w.Write(merged)
	return err
}
