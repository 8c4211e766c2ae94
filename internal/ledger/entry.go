// Package ledger keeps each production's append-only, tamper-evident log: entries,
// the RFC 6962 Merkle tree over them, signed checkpoints, proofs and verification.
package ledger

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one event in a production's log. Its canonical encoding (Encode) is the exact
// byte string that is hashed into the tree and stored as the entry's body.
//
// The Log sets Production, Index and Prev when it appends an entry; callers leave them
// zero. Prev chains each entry to the one before it: it is the RFC 6962 leaf hash of
// entry Index-1's stored body (base64 in the encoding; absent at index 0). The Merkle
// tree and its checkpoints already commit to every body, but a checkpoint covers a
// whole group-committed batch; the chain lets Verify name the exact entry that was
// changed inside one.
type Entry struct {
	Production string          `json:"production"`
	Index      uint64          `json:"index"`
	Prev       []byte          `json:"prev,omitempty"`
	Time       time.Time       `json:"time"`
	Actor      string          `json:"actor,omitempty"` // empty for anonymous and system entries
	Type       string          `json:"type"`
	Payload    json.RawMessage `json:"payload,omitempty"`
}

// Encode returns the canonical bytes of e: compact JSON with the fields in the order of
// the struct (so a body starts with its production, index and prev), the time in UTC
// with nanoseconds, and the payload compacted: the bytes encoding/json writes for the
// struct, written without reflection (appendEntry). Two entries with the same fields
// always encode to the same bytes.
func (e Entry) Encode() ([]byte, error) {
	// The fields' names and punctuation, the index and the time take under 128 bytes;
	// escapes are rare.
	n := 128 + len(e.Production) + base64.StdEncoding.EncodedLen(len(e.Prev)) + len(e.Actor) + len(e.Type) + len(e.Payload)
	return appendEntry(make([]byte, 0, n), &e)
}

// DecodeEntry parses a stored body. It does not check that the body is canonical;
// verification compares hashes of the stored bytes, not of a re-encoding. Bodies in
// the layout Encode writes are read without reflection (decodeCanonical), any other
// by json.Unmarshal; both give the same Entry.
func DecodeEntry(body []byte) (Entry, error) {
	if e, ok := decodeCanonical(body); ok {
		return e, nil
	}
	var e Entry
	if err := json.Unmarshal(body, &e); err != nil {
		return Entry{}, fmt.Errorf("decode entry: %w", err)
	}
	return e, nil
}
