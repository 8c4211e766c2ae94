package ledger

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"coldset/internal/store"
)

// CatchUp reads entries another process appended to the store since this Log last
// looked, folds them in and adopts the store's latest checkpoint. A Ledger calls it
// when its store tells of an append (PostgreSQL LISTEN/NOTIFY); Do calls it by itself
// on a conflict.
func (l *Log) CatchUp(ctx context.Context) error {
	// Most notifications are of this Log's own appends: when the store holds the
	// checkpoint the Log already has, there is nothing to read and no need to hold up
	// the writer.
	if signed, err := l.st.Checkpoint(ctx, l.production); err == nil {
		l.mu.RLock()
		current := l.stale == nil && bytes.Equal(signed, l.checkpoint)
		l.mu.RUnlock()
		if current {
			return nil
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stale != nil {
		return l.reload(ctx)
	}
	return l.catchUp(ctx)
}

// reload discards everything that may hold uncommitted state and reads the log back
// from the store. A NopFolder has no state, so for it only the tree is cut back to
// the committed size and the new entries read. l.mu must be held.
func (l *Log) reload(ctx context.Context) error {
	if l.stateless && l.tree != nil {
		if err := l.tree.Truncate(l.size); err != nil {
			return l.markStale(err)
		}
	} else {
		l.folder = l.newFolder()
		l.tree = NewTree()
		l.size, l.checkpoint = 0, nil
	}
	l.stale = nil
	return l.catchUp(ctx)
}

// markStale records that the in-memory state must be rebuilt before use.
func (l *Log) markStale(err error) error {
	l.stale = err
	return err
}

// catchUp reads the entries from l.size up to the store's latest checkpoint, folds
// them and checks the checkpoint's signature and root. Reading up to a checkpoint,
// not up to the table's size, keeps the log on a signed state even while another
// process appends. On failure the log is marked stale. l.mu must be held.
func (l *Log) catchUp(ctx context.Context) error {
	signed, err := l.st.Checkpoint(ctx, l.production)
	if errors.Is(err, store.ErrNotFound) && l.size == 0 {
		return nil
	}
	if err != nil {
		return l.markStale(fmt.Errorf("read checkpoint: %w", err))
	}
	production, cp, err := OpenCheckpoint(signed, l.signer.Verifier())
	if err != nil {
		return l.markStale(err)
	}
	if production != l.production {
		return l.markStale(fmt.Errorf("checkpoint is for %q", production))
	}
	if cp.Size < l.size {
		return l.markStale(fmt.Errorf("stored checkpoint size %d is below the %d entries already committed", cp.Size, l.size))
	}
	if err := l.readStored(ctx, cp.Size); err != nil {
		return l.markStale(err)
	}
	if root := l.tree.Root(); !bytes.Equal(root, cp.Hash) {
		return l.markStale(fmt.Errorf("stored entries do not match the checkpoint at size %d: run coldset verify", cp.Size))
	}
	l.size, l.checkpoint = cp.Size, signed
	return nil
}

// readStored adds the stored entries from l.size up to end to the tree and, unless
// the folder is stateless, folds them. Reading the store, and hashing and decoding
// what was read, run ahead on their own goroutines; this one only folds, in order.
func (l *Log) readStored(ctx context.Context, end uint64) error {
	if l.size >= end {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait() // the pipeline touches nothing of l's, but must not outlive the call
	}()
	l.tree.grow(end) // end is the size of a checkpoint signed by the deployment's key
	next := l.size
	for c := range prepareAhead(ctx, readAhead(ctx, l.st, l.production, l.size, end, &wg), l.stateless, &wg) {
		if c.err != nil {
			return c.err
		}
		for i, r := range c.rows {
			if want := c.from + uint64(i); r.Index != want {
				return fmt.Errorf("entry %d is missing from the store", want)
			}
			if !l.stateless {
				if err := l.foldStored(r, c.entries[i], c.bad[i]); err != nil {
					return err
				}
			}
		}
		if uint64(len(c.rows)) != c.to-c.from {
			return fmt.Errorf("entry %d is missing from the store", c.from+uint64(len(c.rows)))
		}
		l.tree.appendLeaves(c.leaves)
		next = c.to
	}
	if next != end {
		// The pipeline stops early only when ctx ends.
		return fmt.Errorf("read entries %d..%d: %w", next, end, cmp.Or(context.Cause(ctx), context.Canceled))
	}
	return nil
}

// foldStored folds a stored row, decoded as e (or failed to decode with decodeErr),
// into the folder.
func (l *Log) foldStored(r store.Entry, e Entry, decodeErr error) error {
	if decodeErr != nil {
		return fmt.Errorf("entry %d: %w", r.Index, decodeErr)
	}
	if e.Production != l.production || e.Index != r.Index {
		return fmt.Errorf("entry %d: body is entry %s/%d", r.Index, e.Production, e.Index)
	}
	if err := l.folder.Fold(e); err != nil {
		return fmt.Errorf("fold entry %d: %w", r.Index, err)
	}
	return nil
}
