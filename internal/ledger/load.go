package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"

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
	for from := l.size; from < cp.Size; {
		to := min(from+readChunk, cp.Size)
		rows, err := l.st.Entries(ctx, l.production, from, to)
		if err != nil {
			return l.markStale(fmt.Errorf("read entries %d..%d: %w", from, to, err))
		}
		for i, r := range rows {
			if want := from + uint64(i); r.Index != want {
				return l.markStale(fmt.Errorf("entry %d is missing from the store", want))
			}
			if err := l.foldStored(r); err != nil {
				return l.markStale(err)
			}
		}
		if uint64(len(rows)) != to-from {
			return l.markStale(fmt.Errorf("entry %d is missing from the store", from+uint64(len(rows))))
		}
		from = to
	}
	if root := l.tree.Root(); !bytes.Equal(root, cp.Hash) {
		return l.markStale(fmt.Errorf("stored entries do not match the checkpoint at size %d: run coldset verify", cp.Size))
	}
	l.size, l.checkpoint = cp.Size, signed
	return nil
}

// foldStored adds a stored row to the tree and, unless the folder is stateless, to the
// folder.
func (l *Log) foldStored(r store.Entry) error {
	l.tree.Append(r.Body)
	if l.stateless {
		return nil
	}
	e, err := DecodeEntry(r.Body)
	if err != nil {
		return fmt.Errorf("entry %d: %w", r.Index, err)
	}
	if e.Production != l.production || e.Index != r.Index {
		return fmt.Errorf("entry %d: body is entry %s/%d", r.Index, e.Production, e.Index)
	}
	if err := l.folder.Fold(e); err != nil {
		return fmt.Errorf("fold entry %d: %w", r.Index, err)
	}
	return nil
}
