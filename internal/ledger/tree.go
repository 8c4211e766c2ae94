package ledger

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// hasher is the RFC 6962 SHA-256 tree hasher every coldset log uses. The tree's own
// hot paths hash with leafHash and nodeHash instead, which give the same bytes
// without allocating.
var hasher = rfc6962.DefaultHasher

// RFC 6962 section 2.1: the byte before a leaf's data and before a pair of child hashes.
const (
	leafPrefix = 0
	nodePrefix = 1
)

// LeafHash returns the RFC 6962 leaf hash of a stored entry body.
func LeafHash(body []byte) []byte {
	h := leafHash(body)
	return h[:]
}

// leafHash is LeafHash by value. The digest stays on the stack, and the body is
// hashed where it lies rather than copied behind the prefix byte.
func leafHash(body []byte) hash {
	d := sha256.New()
	d.Write([]byte{leafPrefix})
	d.Write(body)
	var h hash
	d.Sum(h[:0])
	return h
}

// nodeHash is the RFC 6962 hash of an inner node from its children's hashes.
func nodeHash(left, right *hash) hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[1+sha256.Size:], right[:])
	return sha256.Sum256(buf[:])
}

// hash is one node hash; nodes are kept by value so a level is one flat allocation.
type hash = [32]byte

// Tree is an RFC 6962 Merkle tree held in memory. It keeps the hash of every complete
// subtree, level by level (levels[k][i] covers leaves [i<<k, (i+1)<<k)), about 64 bytes
// per leaf, so the root at any earlier size and every proof are O(log n) lookups.
// Level k always holds size>>k nodes: each appended leaf that completes a pair
// completes its parent, and so on up. Levels above the root may be present and empty.
// A Tree is not safe for concurrent use; Log guards its own.
type Tree struct {
	levels [][]hash
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{} }

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// Append adds the leaf for an entry body.
func (t *Tree) Append(body []byte) { t.appendLeaves([]hash{leafHash(body)}) }

// AppendLeafHash adds a leaf by its leaf hash.
func (t *Tree) AppendLeafHash(leaf []byte) {
	if len(leaf) != len(hash{}) {
		panic(fmt.Sprintf("ledger: leaf hash of %d bytes", len(leaf)))
	}
	t.appendLeaves([]hash{hash(leaf)})
}

// grow makes room for the tree to reach size leaves without reallocating a level on
// the way: a rebuild knows how many it will read, and growing a million leaves by
// appending would copy each level several times over. A level that must grow for a
// few more leaves (a catch-up of a few entries) grows by a quarter at least, as
// append would, so that repeated catch-ups do not copy it every time.
func (t *Tree) grow(size uint64) {
	for k := 0; size>>uint(k) > 0; k++ {
		if k == len(t.levels) {
			t.levels = append(t.levels, nil) // empty levels on top are allowed
		}
		lv := t.levels[k]
		if n := int(size >> uint(k)); n > cap(lv) {
			n = max(n, cap(lv)+cap(lv)/4)
			t.levels[k] = slices.Grow(lv, n-len(lv))
		}
	}
}

// parallelNodes is the number of new nodes on one level from which appendLeaves
// splits their hashing among the CPUs; below it the goroutines cost more than they
// save.
const parallelNodes = 4096

// appendLeaves adds leaves by their leaf hashes, then every inner node they complete,
// level by level. A level's new nodes depend only on the level below, so when a
// rebuild appends many leaves at once they are hashed in parallel.
func (t *Tree) appendLeaves(leaves []hash) {
	if len(leaves) == 0 {
		return
	}
	if len(t.levels) == 0 {
		t.levels = append(t.levels, nil)
	}
	t.levels[0] = append(t.levels[0], leaves...)
	for k := 0; len(t.levels[k]) > 1; k++ {
		if k+1 == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		below, lv := t.levels[k], t.levels[k+1]
		have, want := len(lv), len(below)/2
		if have == want {
			break // nothing above changes either
		}
		lv = append(lv, make([]hash, want-have)...)
		hashPairs(lv[have:want], below[2*have:2*want])
		t.levels[k+1] = lv
	}
}

// hashPairs sets out[i] to the parent of below[2i] and below[2i+1].
func hashPairs(out, below []hash) {
	workers := runtime.GOMAXPROCS(0)
	if len(out) < parallelNodes || workers < 2 {
		hashPairRange(out, below, 0, len(out))
		return
	}
	per := (len(out) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(out); lo += per {
		wg.Go(func() { hashPairRange(out, below, lo, min(lo+per, len(out))) })
	}
	wg.Wait()
}

func hashPairRange(out, below []hash, lo, hi int) {
	for i := lo; i < hi; i++ {
		out[i] = nodeHash(&below[2*i], &below[2*i+1])
	}
}

// Truncate drops leaves from size on. It is how a Log forgets a batch that did not
// commit.
func (t *Tree) Truncate(size uint64) error {
	if size > t.Size() {
		return fmt.Errorf("truncate tree to %d: only %d leaves", size, t.Size())
	}
	for k := range t.levels {
		t.levels[k] = t.levels[k][:size>>uint(k)]
	}
	for len(t.levels) > 0 && len(t.levels[len(t.levels)-1]) == 0 {
		t.levels = t.levels[:len(t.levels)-1]
	}
	return nil
}

// leaf returns the leaf hash of entry index, which must be below the size.
func (t *Tree) leaf(index uint64) hash { return t.levels[0][index] }

// Root returns the root hash of the whole tree.
func (t *Tree) Root() []byte {
	r, _ := t.RootAt(t.Size())
	return r
}

// RootAt returns the root hash the tree had when it held size leaves.
func (t *Tree) RootAt(size uint64) ([]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("root at %d: tree has %d leaves", size, t.Size())
	}
	if size == 0 {
		return hasher.EmptyRoot(), nil
	}
	ids := compact.RangeNodes(0, size, nil)
	last := ids[len(ids)-1]
	root := t.levels[last.Level][last.Index]
	for i := len(ids) - 2; i >= 0; i-- {
		root = nodeHash(&t.levels[ids[i].Level][ids[i].Index], &root)
	}
	return root[:], nil
}

// InclusionProof returns the RFC 6962 proof that leaf index is in the tree of the
// given size.
func (t *Tree) InclusionProof(index, size uint64) ([][]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("inclusion proof at %d: tree has %d leaves", size, t.Size())
	}
	n, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, fmt.Errorf("inclusion proof: %w", err)
	}
	return n.Rehash(t.nodes(n.IDs), hasher.HashChildren)
}

// ConsistencyProof returns the RFC 6962 proof that the tree of size2 extends the tree
// of size1.
func (t *Tree) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	if size2 > t.Size() {
		return nil, fmt.Errorf("consistency proof to %d: tree has %d leaves", size2, t.Size())
	}
	n, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, fmt.Errorf("consistency proof: %w", err)
	}
	return n.Rehash(t.nodes(n.IDs), hasher.HashChildren)
}

// nodes returns fresh copies of the hashes of complete subtrees; callers may modify
// them (proof.Nodes.Rehash does).
func (t *Tree) nodes(ids []compact.NodeID) [][]byte {
	hs := make([][]byte, len(ids))
	for i, id := range ids {
		h := t.levels[id.Level][id.Index]
		hs[i] = h[:]
	}
	return hs
}
