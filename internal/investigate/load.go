// Package investigate rebuilds what happened on a production from its ledger, for the
// people who have to answer for it afterwards: the timeline, the chain of failed,
// bypassed and missing safeguards, the trace of every lot of ammunition, the daily
// safety report, and evidence bundles that anyone can check offline.
//
// Everything here reads a log that has been checked against its signed checkpoint
// first, and every finding cites the ledger indexes that show it, so that each figure
// of a report can be proved with the bundle's inclusion proofs.
package investigate

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// Record is one production's log as far as its latest signed checkpoint, checked
// against it: the material every report and bundle is built from.
type Record struct {
	Production string
	Checkpoint Checkpoint
	Entries    []Item // indexes 0 .. Checkpoint.Size-1, in order
	tree       *ledger.Tree
}

// Checkpoint is the signed checkpoint a report was built from.
type Checkpoint struct {
	Origin   string `json:"origin"`
	Size     uint64 `json:"size"`
	RootHash string `json:"root_hash"` // base64, as on the signed note
	Signed   string `json:"signed"`    // the whole signed note
}

// Item is one decoded ledger entry with the exact bytes that were hashed.
type Item struct {
	ledger.Entry
	Body []byte `json:"-"`
}

// Load reads production's log from st up to its latest checkpoint, checks the
// checkpoint's signature with v and the entries against its root hash. A log that
// does not match fails with the *ledger.Mismatch of a full verification, so a report
// is never built from entries the checkpoint does not vouch for.
func Load(ctx context.Context, st store.Store, v note.Verifier, production string) (*Record, error) {
	signed, err := st.Checkpoint(ctx, production)
	if err != nil {
		return nil, fmt.Errorf("load %s: checkpoint: %w", production, err)
	}
	p, cp, err := ledger.OpenCheckpoint(signed, v)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", production, err)
	}
	if p != production {
		return nil, fmt.Errorf("load %s: the latest checkpoint is for %q", production, p)
	}
	rows, err := st.Entries(ctx, production, 0, cp.Size)
	if err != nil {
		return nil, fmt.Errorf("load %s: entries: %w", production, err)
	}
	bodies := make([][]byte, 0, len(rows))
	for i, r := range rows {
		if r.Index != uint64(i) {
			break // a gap: the root will not match and Verify names the entry
		}
		bodies = append(bodies, r.Body)
	}
	rec, err := NewRecord(production, signed, bodies, v)
	if err != nil {
		// Name the first bad entry the way `coldset verify` would.
		if _, verr := ledger.Verify(ctx, st, v, production, nil); verr != nil {
			return nil, fmt.Errorf("load %s: %w", production, verr)
		}
		return nil, err
	}
	return rec, nil
}

// NewRecord checks the bodies of entries 0, 1, ... of production against a signed
// checkpoint that commits to exactly that many entries, and decodes them.
func NewRecord(production string, signed []byte, bodies [][]byte, v note.Verifier) (*Record, error) {
	p, cp, err := ledger.OpenCheckpoint(signed, v)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", production, err)
	}
	if p != production {
		return nil, fmt.Errorf("record %s: the checkpoint is for %q", production, p)
	}
	if uint64(len(bodies)) != cp.Size {
		return nil, fmt.Errorf("record %s: %d entries, the checkpoint commits to %d", production, len(bodies), cp.Size)
	}
	rec := &Record{
		Production: production,
		Checkpoint: Checkpoint{Origin: cp.Origin, Size: cp.Size, RootHash: base64.StdEncoding.EncodeToString(cp.Hash), Signed: string(signed)},
		tree:       ledger.NewTree(),
	}
	for i, b := range bodies {
		e, err := ledger.DecodeEntry(b)
		if err != nil {
			return nil, fmt.Errorf("record %s: entry %d: %w", production, i, err)
		}
		if e.Production != production || e.Index != uint64(i) {
			return nil, fmt.Errorf("record %s: entry %d: body is entry %d of %q", production, i, e.Index, e.Production)
		}
		rec.Entries = append(rec.Entries, Item{Entry: e, Body: b})
		rec.tree.Append(b)
	}
	if !bytes.Equal(rec.tree.Root(), cp.Hash) {
		return nil, fmt.Errorf("record %s: %w", production, ErrRootMismatch)
	}
	return rec, nil
}

// ErrRootMismatch reports entries whose tree does not have the checkpoint's root.
var ErrRootMismatch = errors.New("the entries do not match the checkpoint's root hash")

// InclusionProof returns the proof that entry index is in the checkpointed tree.
func (r *Record) InclusionProof(index uint64) ([][]byte, error) {
	return r.tree.InclusionProof(index, r.Checkpoint.Size)
}

// ConsistencyProof returns the proof that the checkpointed tree extends the tree of
// the first size entries, and that tree's root.
func (r *Record) ConsistencyProof(size uint64) (proof [][]byte, root []byte, err error) {
	root, err = r.tree.RootAt(size)
	if err != nil {
		return nil, nil, err
	}
	proof, err = r.tree.ConsistencyProof(size, r.Checkpoint.Size)
	return proof, root, err
}
