package ledger

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"coldset/internal/store"
)

// scan reads production's stored entries in ranges of readChunk, checks every row
// on its own (position, decoding, production and index in the body, canonical form)
// and the chain of prev hashes between rows, and builds the tree over them. It stops
// at the first row that fails and returns it as a Mismatch, with the tree over the
// rows before it, and the first broken link of the chain before that row, if any.
// signed is the size of a checkpoint the deployment signed (0 if none): the tree is
// made that large at once.
func scan(ctx context.Context, st store.Store, production string, signed uint64) (*Tree, *Mismatch, *chainBreak, error) {
	size, err := st.Size(ctx, production)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("verify %s: size: %w", production, err)
	}
	quoted, _ := json.Marshal(production)
	tree := NewTree()
	tree.grow(min(size, signed))
	var brk *chainBreak
	// The next range is read while this one is checked and hashed.
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	next := uint64(0)
	for c := range readAhead(ctx, st, production, 0, size, &wg) {
		if c.err != nil {
			return nil, nil, nil, fmt.Errorf("verify %s: %w", production, c.err)
		}
		var prev *hash
		if c.from > 0 {
			h := tree.leaf(c.from - 1)
			prev = &h
		}
		leaves, bad, b := checkRows(production, quoted, c.from, c.rows, prev)
		if brk == nil {
			brk = b
		}
		// Past the signed size, room for twice what was read, up to the size: the size
		// alone, read from a store that may have been tampered with, could be anything.
		tree.grow(min(size, 2*c.to))
		tree.appendLeaves(leaves)
		if bad != nil {
			return tree, bad, brk, nil
		}
		if got := uint64(len(c.rows)); got != c.to-c.from {
			// checkRows saw no gap in what it got, so the missing rows are at the end.
			return tree, &Mismatch{Production: production, Index: c.from + got, HasIndex: true,
				Reason: "entry is missing from the store"}, brk, nil
		}
		next = c.to
	}
	if next != size {
		// Reading ahead stops early only when ctx ends.
		return nil, nil, nil, fmt.Errorf("verify %s: read entries %d..%d: %w", production, next, size, cmp.Or(context.Cause(ctx), context.Canceled))
	}
	return tree, nil, brk, nil
}

// checkRows checks rows expected at indexes from, from+1, ... and returns the leaf
// hashes of the rows before the first bad one, that one, and the first broken link of
// the chain before it. prev is the leaf hash of entry from-1 (nil when from is 0).
// Decoding and hashing dominate the cost of verification, so the rows are split
// among the CPUs; each worker hashes the row before its share once more to check its
// first link.
func checkRows(production string, quoted []byte, from uint64, rows []store.Entry, prev *hash) ([]hash, *Mismatch, *chainBreak) {
	leaves := make([]hash, len(rows))
	bad := make([]*Mismatch, len(rows))
	broken := make([]bool, len(rows))
	workers := runtime.GOMAXPROCS(0)
	per := (len(rows) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(rows); lo += per {
		hi := min(lo+per, len(rows))
		wg.Go(func() {
			var before *hash // leaf hash of the row before row i
			switch {
			case lo > 0:
				h := leafHash(rows[lo-1].Body)
				before = &h
			case prev != nil:
				before = prev
			}
			prefix := make([]byte, 0, 128)
			for i := lo; i < hi; i++ {
				want := from + uint64(i)
				var ok bool
				prefix = canonicalPrefix(prefix[:0], quoted, want, before)
				if ok, bad[i] = checkRow(production, want, rows[i], prefix); bad[i] != nil {
					return // rows after the first bad one are not used
				}
				broken[i] = !ok
				leaves[i] = leafHash(rows[i].Body)
				before = &leaves[i]
			}
		})
	}
	wg.Wait()
	var brk *chainBreak
	for i, m := range bad {
		if brk == nil && broken[i] {
			brk = &chainBreak{at: from + uint64(i)}
		}
		if m != nil {
			return leaves[:i], m, brk
		}
	}
	return leaves, nil, brk
}

// rowHeader is the part of a body that must agree with where it is stored and with
// the entry before it; the rest of the bytes are covered by the leaf hash.
type rowHeader struct {
	Production string `json:"production"`
	Index      uint64 `json:"index"`
}

// checkRow checks one stored row that should be entry want and whose canonical body
// starts with prefix. It returns a Mismatch when the row itself is wrong, and
// linked=false when the row is well formed but its prev is not the leaf hash of the
// entry before it.
func checkRow(production string, want uint64, r store.Entry, prefix []byte) (linked bool, m *Mismatch) {
	bad := func(format string, args ...any) *Mismatch {
		return &Mismatch{Production: production, Index: want, HasIndex: true, Reason: fmt.Sprintf(format, args...)}
	}
	if r.Index != want {
		return false, bad("entry is missing from the store (the next stored row is %d)", r.Index)
	}
	// A canonical body chained to the entry before it starts with exactly these bytes;
	// checking them spares a JSON decode of every entry. Anything else is decoded to
	// say what is wrong.
	if bytes.HasPrefix(r.Body, prefix) {
		return true, nil
	}
	var h rowHeader
	if err := json.Unmarshal(r.Body, &h); err != nil {
		return false, bad("body does not decode: %v", err)
	}
	if h.Production != production || h.Index != r.Index {
		return false, bad("body is entry %d of %q, stored as entry %d of %q", h.Index, h.Production, r.Index, production)
	}
	if edited(r.Body) {
		return false, bad("body is not in canonical form: it was edited")
	}
	return false, nil
}

// canonicalPrefix appends to b how Encode starts the body of entry index of the
// production whose JSON-quoted id is quoted, chained to the entry whose leaf hash is
// prev (nil for the first entry).
func canonicalPrefix(b, quoted []byte, index uint64, prev *hash) []byte {
	b = append(b, `{"production":`...)
	b = append(b, quoted...)
	b = append(b, `,"index":`...)
	b = strconv.AppendUint(b, index, 10)
	if prev != nil {
		b = append(b, `,"prev":"`...)
		b = base64.StdEncoding.AppendEncode(b, prev[:])
		b = append(b, '"')
	}
	// The next field is the time: a prev where none belongs does not pass either.
	return append(b, `,"time":`...)
}

// chainBreak is the first entry whose prev is not the leaf hash of the stored entry
// before it: one of the two was changed after they were written.
type chainBreak struct{ at uint64 }

// blame names the entry a chain break points at. An edited body no longer hashes to
// the prev its successor recorded, so the entry before the break is named, unless a
// checkpoint that the entries still match proves it unchanged (it lies below intact,
// the size of the longest such checkpoint): then the fault is the prev of the entry
// at the break. When both entries are unchanged the log was written with the break.
func (b *chainBreak) blame(production string, intact uint64) *Mismatch {
	if b.at-1 < intact {
		return &Mismatch{Production: production, Index: b.at, HasIndex: true,
			Reason: fmt.Sprintf("entry %d does not chain to entry %d: its prev is not the leaf hash of entry %d, which a checkpoint proves unchanged", b.at, b.at-1, b.at-1)}
	}
	return &Mismatch{Production: production, Index: b.at - 1, HasIndex: true,
		Reason: fmt.Sprintf("entry %d does not match the leaf hash entry %d records for it (prev): it was changed", b.at-1, b.at)}
}

// edited reports whether a body is no longer in the canonical form Encode wrote it
// in: proof of an edit, used to name the entry within a range that failed its
// checkpoint.
func edited(body []byte) bool {
	e, err := DecodeEntry(body)
	if err != nil {
		return true
	}
	canon, err := e.Encode()
	return err != nil || !bytes.Equal(canon, body)
}
