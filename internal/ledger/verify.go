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
//
// The checkpoints locate a change to the batch of entries one of them covers; the
// chain of prev hashes names the entry within it, as the next entry records what the
// changed one hashed to. Only a change to the log's last entry, which nothing records
// yet, is named by its batch alone.
func Verify(ctx context.Context, st store.Store, v note.Verifier, production string, saved []byte) (Verified, error) {
	tree, rowBad, brk, err := scan(ctx, st, production, signedSize(ctx, st, v, production))
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
			found = append(found, locate(ctx, st, v, production, tree, brk))
		case cp.Size < n:
			mismatch(cp.Size, "entries %d..%d are covered by no checkpoint", cp.Size, n-1)
			fallthrough
		default:
			if r, _ := tree.RootAt(cp.Size); !bytes.Equal(r, cp.Hash) {
				found = append(found, locate(ctx, st, v, production, tree, brk))
			}
		}
	}
	if brk != nil {
		found = append(found, brk.blame(production, intactPrefix(ctx, st, production, tree)))
	}

	if saved != nil {
		found = append(found, checkSaved(ctx, st, v, production, tree, saved, brk))
	}
	if m := first(found); m != nil {
		return vf, m
	}
	return vf, nil
}

// signedSize returns the size of production's latest stored checkpoint if the
// deployment's key signed it, else 0. It only tells scan how large a tree to make
// room for; Verify checks the checkpoint itself afterwards.
func signedSize(ctx context.Context, st store.Store, v note.Verifier, production string) uint64 {
	signed, err := st.Checkpoint(ctx, production)
	if err != nil {
		return 0
	}
	if p, cp, err := OpenCheckpoint(signed, v); err == nil && p == production {
		return cp.Size
	}
	return 0
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
func checkSaved(ctx context.Context, st store.Store, v note.Verifier, production string, tree *Tree, saved []byte, brk *chainBreak) *Mismatch {
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
		if m := locate(ctx, st, v, production, tree, brk); m != nil {
			return m
		}
		return &Mismatch{Production: production,
			Reason: fmt.Sprintf("the log does not extend the saved checkpoint at size %d: %v", cp.Size, err)}
	}
	return nil
}

// storedCheckpoint is one checkpoint of a store's history, parsed but not yet
// checked: verifying a million signatures would dominate, so only the one blamed is.
type storedCheckpoint struct {
	cp     log.Checkpoint
	signed []byte
}

// history returns production's stored checkpoints within the entries the tree holds,
// in increasing size, and the position of the first whose root the entries no longer
// match (len when all match). ok is false when the store keeps no history.
func history(ctx context.Context, st store.Store, production string, tree *Tree) (cps []storedCheckpoint, firstBad int, ok bool, err error) {
	h, ok := st.(CheckpointHistory)
	if !ok {
		return nil, 0, false, nil
	}
	all, err := h.Checkpoints(ctx, production)
	if err != nil {
		return nil, 0, true, err
	}
	cps = make([]storedCheckpoint, 0, len(all))
	for _, signed := range all {
		var cp log.Checkpoint
		if _, err := cp.Unmarshal(signed); err == nil && cp.Size <= tree.Size() {
			cps = append(cps, storedCheckpoint{cp, signed})
		}
	}
	matches := func(cp log.Checkpoint) bool {
		r, err := tree.RootAt(cp.Size)
		return err == nil && bytes.Equal(r, cp.Hash)
	}
	// Entries that match a checkpoint match every earlier one, so the checkpoints that
	// still match are a prefix.
	firstBad = sort.Search(len(cps), func(i int) bool { return !matches(cps[i].cp) })
	return cps, firstBad, true, nil
}

// intactPrefix returns the size of the longest stored checkpoint the entries still
// match: the entries below it are unchanged. It is 0 without a history.
func intactPrefix(ctx context.Context, st store.Store, production string, tree *Tree) uint64 {
	cps, i, _, err := history(ctx, st, production, tree)
	if err != nil || i == 0 {
		return 0
	}
	return cps[i-1].cp.Size
}

// locate finds the earliest stored checkpoint, within the entries the tree holds,
// whose root the entries no longer match: the fault lies in the entries appended
// since the checkpoint before it, and the chain of prev hashes names the entry among
// them. Without a checkpoint history only the chain can name an entry.
func locate(ctx context.Context, st store.Store, v note.Verifier, production string, tree *Tree, brk *chainBreak) *Mismatch {
	cps, i, ok, err := history(ctx, st, production, tree)
	switch {
	case !ok && brk != nil:
		return brk.blame(production, 0)
	case !ok:
		return &Mismatch{Production: production,
			Reason: "the entries do not match the latest checkpoint (the store keeps no checkpoint history to narrow it down)"}
	case err != nil:
		return &Mismatch{Production: production, Reason: "read checkpoint history: " + err.Error()}
	case i == len(cps):
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
	if brk != nil {
		// A break inside the batch names the changed entry; one before it is a fault
		// of its own, and earlier.
		if m := brk.blame(production, from); m.Index < size {
			return m
		}
	}
	if size-1 == from {
		return &Mismatch{Production: production, Index: from, HasIndex: true,
			Reason: fmt.Sprintf("entry %d does not match the checkpoint at size %d", from, size)}
	}
	// Only the last entry of a batch has no successor in the batch to record its hash;
	// a changed body that is no longer in canonical form gives itself away anyway.
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
