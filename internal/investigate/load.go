// Package investigate rebuilds what happened on a production from its ledger, for the
// people who have to answer for it afterwards: the timeline, the chain of failed,
// bypassed and missing safeguards, the trace of every lot of ammunition, the daily
// safety report, and evidence bundles that anyone can check offline.
//
// Everything here reads a log that has been checked against its signed checkpoint
// first, and every finding cites the ledger indexes that show it, so that each figure
// of a report can be proved from an evidence bundle: it holds the entries, from which
// the checkpoint's tree is rebuilt, and an inclusion proof of each entry cited.
package investigate

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"sync"

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

// loadChunk is how many entries Load reads from the store at a time: each chunk is
// decoded and hashed while the next is read.
const loadChunk = 1 << 15

// Load reads production's log from st up to its latest checkpoint, checks the
// checkpoint's signature with v and the entries against its root hash. A log that
// does not match fails with the *ledger.Mismatch of a full verification, so a report
// is never built from entries the checkpoint does not vouch for.
func Load(ctx context.Context, st store.Store, v note.Verifier, production string) (*Record, error) {
	signed, err := st.Checkpoint(ctx, production)
	if err != nil {
		return nil, fmt.Errorf("load %s: checkpoint: %w", production, err)
	}
	rb, err := newRecordBuilder(production, signed, v)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", production, err)
	}
	type chunk struct {
		rows []store.Entry
		err  error
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk, 1)
	go func() {
		defer close(chunks)
		for from := uint64(0); from < rb.size; from += loadChunk {
			rows, err := st.Entries(rctx, production, from, min(from+loadChunk, rb.size))
			select {
			case chunks <- chunk{rows, err}:
			case <-rctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var rec *Record
	for c := range chunks {
		if c.err != nil {
			return nil, fmt.Errorf("load %s: entries: %w", production, c.err)
		}
		if err = rb.addRows(c.rows); err != nil {
			break
		}
	}
	if err == nil {
		rec, err = rb.finish()
	}
	if err != nil {
		cancel()
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
	rb, err := newRecordBuilder(production, signed, v)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", production, err)
	}
	if uint64(len(bodies)) != rb.size {
		return nil, fmt.Errorf("record %s: %d entries, the checkpoint commits to %d", production, len(bodies), rb.size)
	}
	if err := rb.add(bodies); err != nil {
		return nil, err
	}
	return rb.finish()
}

// recordBuilder decodes and hashes a log's entries chunk by chunk, in parallel.
type recordBuilder struct {
	rec  *Record
	size uint64
	root []byte
}

func newRecordBuilder(production string, signed []byte, v note.Verifier) (*recordBuilder, error) {
	p, cp, err := ledger.OpenCheckpoint(signed, v)
	if err != nil {
		return nil, err
	}
	if p != production {
		return nil, fmt.Errorf("the checkpoint is for %q", p)
	}
	rec := &Record{
		Production: production,
		Checkpoint: Checkpoint{Origin: cp.Origin, Size: cp.Size, RootHash: base64.StdEncoding.EncodeToString(cp.Hash), Signed: string(signed)},
		Entries:    make([]Item, 0, min(cp.Size, maxPrealloc)),
		tree:       ledger.NewTree(),
	}
	return &recordBuilder{rec: rec, size: cp.Size, root: cp.Hash}, nil
}

// maxPrealloc bounds the entries allocated before any is read: a checkpoint's size
// is only a claim until the entries are there.
const maxPrealloc = 1 << 24

// addRows adds the next stored rows; a row out of place stops the record.
func (rb *recordBuilder) addRows(rows []store.Entry) error {
	bodies := make([][]byte, len(rows))
	next := uint64(len(rb.rec.Entries))
	for i, r := range rows {
		if r.Index != next+uint64(i) {
			return fmt.Errorf("record %s: entry %d is missing", rb.rec.Production, next+uint64(i))
		}
		bodies[i] = r.Body
	}
	return rb.add(bodies)
}

// add decodes and hashes the next bodies.
func (rb *recordBuilder) add(bodies [][]byte) error {
	rec := rb.rec
	base := len(rec.Entries)
	if uint64(base+len(bodies)) > rb.size {
		return fmt.Errorf("record %s: more than the %d entries the checkpoint commits to", rec.Production, rb.size)
	}
	rec.Entries = append(rec.Entries, make([]Item, len(bodies))...)
	items := rec.Entries[base:]
	leaves := make([][]byte, len(bodies))
	errs := make([]error, len(bodies))
	parallel(len(bodies), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b := bodies[i]
			e, err := ledger.DecodeEntry(b)
			switch {
			case err != nil:
				errs[i] = fmt.Errorf("record %s: entry %d: %w", rec.Production, base+i, err)
			case e.Production != rec.Production || e.Index != uint64(base+i):
				errs[i] = fmt.Errorf("record %s: entry %d: body is entry %d of %q", rec.Production, base+i, e.Index, e.Production)
			}
			items[i] = Item{Entry: e, Body: b}
			leaves[i] = ledger.LeafHash(b)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, l := range leaves {
		rec.tree.AppendLeafHash(l)
	}
	return nil
}

// finish checks the entries against the checkpoint's root.
func (rb *recordBuilder) finish() (*Record, error) {
	rec := rb.rec
	if uint64(len(rec.Entries)) != rb.size {
		return nil, fmt.Errorf("record %s: %d entries, the checkpoint commits to %d", rec.Production, len(rec.Entries), rb.size)
	}
	if !bytes.Equal(rec.tree.Root(), rb.root) {
		return nil, fmt.Errorf("record %s: %w", rec.Production, ErrRootMismatch)
	}
	return rec, nil
}

// parallel calls fn on consecutive ranges of [0, n), one per CPU, and waits for them;
// with fewer than grain items, on one.
func parallel(n, grain int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < grain || workers < 2 {
		fn(0, n)
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		wg.Go(func() { fn(lo, min(lo+per, n)) })
	}
	wg.Wait()
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
