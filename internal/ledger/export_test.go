package ledger

import "testing"

// DecodeCanonical exposes the reflection-free decoder to the tests, which check that
// it takes the bodies Encode writes and agrees with json.Unmarshal on everything.
var DecodeCanonical = decodeCanonical

// SetReadChunk makes loading and verification read n entries per store query until
// the test ends, so that a few hundred entries span several ranges.
func SetReadChunk(tb testing.TB, n uint64) {
	old := readAheadChunk
	readAheadChunk = n
	tb.Cleanup(func() { readAheadChunk = old })
}

// AppendLeaves adds leaves to t as a rebuild does, many at once.
func (t *Tree) AppendLeaves(leaves [][32]byte) { t.appendLeaves(leaves) }

// Grow makes room for size leaves, as a rebuild does before appending them.
func (t *Tree) Grow(size uint64) { t.grow(size) }
