package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"coldset/internal/store"
)

// scan reads production's stored entries in ranges of readChunk, checks every row
// on its own (position, decoding, production and index in the body, canonical form)
// and builds the tree over them. It stops at the first row that fails and returns it
// as a Mismatch, with the tree over the rows before it.
func scan(ctx context.Context, st store.Store, production string) (*Tree, *Mismatch, error) {
	size, err := st.Size(ctx, production)
	if err != nil {
		return nil, nil, fmt.Errorf("verify %s: size: %w", production, err)
	}
	tree := NewTree()
	for from := uint64(0); from < size; from += readChunk {
		to := min(from+readChunk, size)
		rows, err := st.Entries(ctx, production, from, to)
		if err != nil {
			return nil, nil, fmt.Errorf("verify %s: read entries %d..%d: %w", production, from, to, err)
		}
		leaves, bad := checkRows(production, from, rows)
		for _, h := range leaves {
			tree.AppendLeafHash(h[:])
		}
		if bad != nil {
			return tree, bad, nil
		}
		if got := uint64(len(rows)); got != to-from {
			// checkRows saw no gap in what it got, so the missing rows are at the end.
			return tree, &Mismatch{Production: production, Index: from + got, HasIndex: true,
				Reason: "entry is missing from the store"}, nil
		}
	}
	return tree, nil, nil
}

// checkRows checks rows expected at indexes from, from+1, ... and returns the leaf
// hashes of the rows before the first bad one, and that one. Decoding dominates the
// cost of verification, so the rows are split among the CPUs.
func checkRows(production string, from uint64, rows []store.Entry) ([]hash, *Mismatch) {
	leaves := make([]hash, len(rows))
	bad := make([]*Mismatch, len(rows))
	quoted, _ := json.Marshal(production)
	workers := runtime.GOMAXPROCS(0)
	per := (len(rows) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(rows); lo += per {
		hi := min(lo+per, len(rows))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if m := checkRow(production, quoted, from+uint64(i), rows[i]); m != nil {
					bad[i] = m
					return // rows after the first bad one are not used
				}
				leaves[i] = hash(LeafHash(rows[i].Body))
			}
		})
	}
	wg.Wait()
	for i, m := range bad {
		if m != nil {
			return leaves[:i], m
		}
	}
	return leaves, nil
}

// rowHeader is the part of a body that must agree with where it is stored; the rest
// of the bytes are covered by the leaf hash.
type rowHeader struct {
	Production string `json:"production"`
	Index      uint64 `json:"index"`
}

// checkRow checks one stored row that should be entry want.
func checkRow(production string, quoted []byte, want uint64, r store.Entry) *Mismatch {
	bad := func(format string, args ...any) *Mismatch {
		return &Mismatch{Production: production, Index: want, HasIndex: true, Reason: fmt.Sprintf(format, args...)}
	}
	if r.Index != want {
		return bad("entry is missing from the store (the next stored row is %d)", r.Index)
	}
	// A canonical body starts with exactly these bytes; checking them spares a JSON
	// decode of every entry. Anything else is decoded to say what is wrong.
	if bytes.HasPrefix(r.Body, canonicalPrefix(quoted, want)) {
		return nil
	}
	var h rowHeader
	if err := json.Unmarshal(r.Body, &h); err != nil {
		return bad("body does not decode: %v", err)
	}
	if h.Production != production || h.Index != r.Index {
		return bad("body is entry %d of %q, stored as entry %d of %q", h.Index, h.Production, r.Index, production)
	}
	return bad("body is not in canonical form: it was edited")
}

// canonicalPrefix returns how Encode starts the body of entry index of the production
// whose JSON-quoted id is quoted.
func canonicalPrefix(quoted []byte, index uint64) []byte {
	b := make([]byte, 0, 64)
	b = append(b, `{"production":`...)
	b = append(b, quoted...)
	b = append(b, `,"index":`...)
	b = strconv.AppendUint(b, index, 10)
	return append(b, ',')
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
