package ledger

import (
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// hasher is the RFC 6962 SHA-256 tree hasher every coldset log uses.
var hasher = rfc6962.DefaultHasher

var rangeFactory = &compact.RangeFactory{Hash: hasher.HashChildren}

// LeafHash returns the RFC 6962 leaf hash of a stored entry body.
func LeafHash(body []byte) []byte { return hasher.HashLeaf(body) }

// hash is one node hash; nodes are kept by value so a level is one flat allocation.
type hash = [32]byte

// Tree is an RFC 6962 Merkle tree held in memory. It keeps the hash of every complete
// subtree, level by level (levels[k][i] covers leaves [i<<k, (i+1)<<k)), about 64 bytes
// per leaf, so the root at any earlier size and every proof are O(log n) lookups.
// A Tree is not safe for concurrent use; Log guards its own.
type Tree struct {
	levels [][]hash
	rng    *compact.Range // the right edge, for appending
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{rng: rangeFactory.NewEmptyRange(0)} }

// Size returns the number of leaves.
func (t *Tree) Size() uint64 { return t.rng.End() }

// Append adds the leaf for an entry body.
func (t *Tree) Append(body []byte) { t.AppendLeafHash(LeafHash(body)) }

// AppendLeafHash adds a leaf by its leaf hash.
func (t *Tree) AppendLeafHash(leaf []byte) {
	// The compact range reports every node it completes, lowest level first; those are
	// exactly the new complete subtrees.
	err := t.rng.Append(leaf, func(id compact.NodeID, h []byte) {
		if int(id.Level) == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		lv := t.levels[id.Level]
		if uint64(len(lv)) != id.Index {
			panic(fmt.Sprintf("ledger: tree node %d/%d out of order (level has %d)", id.Level, id.Index, len(lv)))
		}
		t.levels[id.Level] = append(lv, hash(h))
	})
	if err != nil {
		panic("ledger: append to compact range: " + err.Error())
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
	ids := compact.RangeNodes(0, size, nil)
	rng, err := rangeFactory.NewRange(0, size, t.nodes(ids))
	if err != nil {
		return fmt.Errorf("truncate tree to %d: %w", size, err)
	}
	t.rng = rng
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
	hs := t.nodes(compact.RangeNodes(0, size, nil))
	root := hs[len(hs)-1]
	for i := len(hs) - 2; i >= 0; i-- {
		root = hasher.HashChildren(hs[i], root)
	}
	return root, nil
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
