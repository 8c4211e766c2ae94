package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"coldset/internal/store"
)

// Mismatch is the first place where a stored log departs from what its signed
// checkpoints committed to.
type Mismatch struct {
	Production string
	Index      uint64 // the first entry that does not match, when HasIndex
	HasIndex   bool   // false when the fault is not in the entries (e.g. a forged checkpoint)
	Reason     string
}

func (m *Mismatch) Error() string {
	if m.HasIndex {
		return fmt.Sprintf("production %s: first bad index %d: %s", m.Production, m.Index, m.Reason)
	}
	return fmt.Sprintf("production %s: %s", m.Production, m.Reason)
}

// CheckpointHistory is implemented by stores that return every checkpoint they keep,
// not only the latest. Verify uses it to narrow a root that does not match down to
// the entries appended between two checkpoints.
type CheckpointHistory interface {
	// Checkpoints returns production's signed checkpoints in increasing size.
	Checkpoints(ctx context.Context, production string) ([][]byte, error)
}

// Verified is what Verify established about one log.
type Verified struct {
	Production string
	Size       uint64
	Root       []byte
}

// Verify recomputes production's log from its stored entries and checks it against
// the latest stored checkpoint, signed by v's key, and, when saved is not nil, proves
// with a consistency proof that the log extends the saved checkpoint. A log that does
// not match fails with a *Mismatch naming the first bad index; other errors are
// failures to read the store.
func Verify(ctx context.Context, st store.Store, v note.Verifier, production string, saved []byte) (Verified, error) {
	tree, rowBad, err := scan(ctx, st, production)
	if err != nil {
		return Verified{}, err
	}
	n := tree.Size()
	root := tree.Root()
	vf := Verified{Production: production, Size: n, Root: root}
	found := []*Mismatch{rowBad}
	mismatch := func(index uint64, format string, args ...any) {
		found = append(found, &Mismatch{Production: production, Index: index, HasIndex: true, Reason: fmt.Sprintf(format, args...)})
	}

	signed, err := st.Checkpoint(ctx, production)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if n > 0 || rowBad != nil {
			mismatch(0, "the log has entries but no checkpoint")
		}
	case err != nil:
		return vf, fmt.Errorf("verify %s: read checkpoint: %w", production, err)
	default:
		cp, m := openStored(signed, v, production)
		if m != nil {
			found = append(found, m)
			break
		}
		switch {
		case cp.Size > n:
			mismatch(n, "entries %d..%d are missing: the latest checkpoint commits to %d entries", n, cp.Size-1, cp.Size)
			found = append(found, locate(ctx, st, v, production, tree))
		case cp.Size < n:
			mismatch(cp.Size, "entries %d..%d are covered by no checkpoint", cp.Size, n-1)
			fallthrough
		default:
			if r, _ := tree.RootAt(cp.Size); !bytes.Equal(r, cp.Hash) {
				found = append(found, locate(ctx, st, v, production, tree))
			}
		}
	}

	if saved != nil {
		found = append(found, checkSaved(ctx, st, v, production, tree, saved))
	}
	if m := first(found); m != nil {
		return vf, m
	}
	return vf, nil
}

// openStored checks a checkpoint read from the store.
func openStored(signed []byte, v note.Verifier, production string) (log.Checkpoint, *Mismatch) {
	p, cp, err := OpenCheckpoint(signed, v)
	if err != nil {
		return cp, &Mismatch{Production: production, Reason: "latest checkpoint: " + err.Error()}
	}
	if p != production {
		return cp, &Mismatch{Production: production, Reason: fmt.Sprintf("latest checkpoint is for production %q", p)}
	}
	return cp, nil
}

// checkSaved proves that the log extends a checkpoint saved earlier (by a witness, an
// investigator) with a consistency proof from the recomputed tree.
func checkSaved(ctx context.Context, st store.Store, v note.Verifier, production string, tree *Tree, saved []byte) *Mismatch {
	p, cp, err := OpenCheckpoint(saved, v)
	if err != nil {
		return &Mismatch{Production: production, Reason: "saved checkpoint: " + err.Error()}
	}
	if p != production {
		return &Mismatch{Production: production, Reason: fmt.Sprintf("saved checkpoint is for production %q", p)}
	}
	n := tree.Size()
	if cp.Size > n {
		return &Mismatch{Production: production, Index: n, HasIndex: true,
			Reason: fmt.Sprintf("entries %d..%d are missing: the saved checkpoint commits to %d entries", n, cp.Size-1, cp.Size)}
	}
	pf, err := tree.ConsistencyProof(cp.Size, n)
	if err == nil {
		err = proof.VerifyConsistency(hasher, cp.Size, n, pf, cp.Hash, tree.Root())
	}
	if err != nil {
		if m := locate(ctx, st, v, production, tree); m != nil {
			return m
		}
		return &Mismatch{Production: production,
			Reason: fmt.Sprintf("the log does not extend the saved checkpoint at size %d: %v", cp.Size, err)}
	}
	return nil
}

// locate finds the earliest stored checkpoint, within the entries the tree holds,
// whose root the entries no longer match: the fault lies in the entries appended
// since the checkpoint before it. Without a checkpoint history it can only say that
// the log does not match.
func locate(ctx context.Context, st store.Store, v note.Verifier, production string, tree *Tree) *Mismatch {
	h, ok := st.(CheckpointHistory)
	if !ok {
		return &Mismatch{Production: production,
			Reason: "the entries do not match the latest checkpoint (the store keeps no checkpoint history to narrow it down)"}
	}
	all, err := h.Checkpoints(ctx, production)
	if err != nil {
		return &Mismatch{Production: production, Reason: "read checkpoint history: " + err.Error()}
	}
	// Only the origin, size and root are read here: verifying a million signatures
	// would dominate; the one checkpoint blamed is verified below.
	type stored struct {
		cp     log.Checkpoint
		signed []byte
	}
	cps := make([]stored, 0, len(all))
	for _, signed := range all {
		var cp log.Checkpoint
		if _, err := cp.Unmarshal(signed); err == nil && cp.Size <= tree.Size() {
			cps = append(cps, stored{cp, signed})
		}
	}
	matches := func(cp log.Checkpoint) bool {
		r, err := tree.RootAt(cp.Size)
		return err == nil && bytes.Equal(r, cp.Hash)
	}
	// Entries that match a checkpoint match every earlier one, so the checkpoints that
	// still match are a prefix.
	i := sort.Search(len(cps), func(i int) bool { return !matches(cps[i].cp) })
	if i == len(cps) {
		return nil
	}
	if _, _, err := OpenCheckpoint(cps[i].signed, v); err != nil {
		return &Mismatch{Production: production, Reason: fmt.Sprintf("stored checkpoint at size %d: %v", cps[i].cp.Size, err)}
	}
	var from uint64
	if i > 0 {
		from = cps[i-1].cp.Size
	}
	size := cps[i].cp.Size
	if size-1 == from {
		return &Mismatch{Production: production, Index: from, HasIndex: true,
			Reason: fmt.Sprintf("entry %d does not match the checkpoint at size %d", from, size)}
	}
	// The checkpoint covers a batch of entries. An edited body that is no longer in
	// canonical form gives itself away; otherwise the batch is all that can be named.
	if rows, err := st.Entries(ctx, production, from, size); err == nil {
		for _, r := range rows {
			if edited(r.Body) {
				return &Mismatch{Production: production, Index: r.Index, HasIndex: true,
					Reason: fmt.Sprintf("entry %d was edited: it is not in canonical form and does not match the checkpoint at size %d", r.Index, size)}
			}
		}
	}
	return &Mismatch{Production: production, Index: from, HasIndex: true,
		Reason: fmt.Sprintf("one of entries %d..%d does not match the checkpoint at size %d", from, size-1, size)}
}

// first returns the mismatch with the lowest index; faults without an index (forged
// checkpoints) come after those with one.
func first(ms []*Mismatch) *Mismatch {
	var best *Mismatch
	for _, m := range ms {
		switch {
		case m == nil:
		case best == nil,
			m.HasIndex && !best.HasIndex,
			m.HasIndex && best.HasIndex && m.Index < best.Index:
			best = m
		}
	}
	return best
}
