package ledger_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"

	"coldset/internal/ledger"
)

func leafBody(i uint64) []byte { return fmt.Appendf(nil, "leaf %d", i) }

// referenceRoot computes the RFC 6962 root by the definition, recursively.
func referenceRoot(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		return rfc6962.DefaultHasher.EmptyRoot()
	case 1:
		return rfc6962.DefaultHasher.HashLeaf(leaves[0])
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return rfc6962.DefaultHasher.HashChildren(referenceRoot(leaves[:k]), referenceRoot(leaves[k:]))
}

func TestTreeRootsMatchDefinition(t *testing.T) {
	tree := ledger.NewTree()
	var leaves [][]byte
	for i := uint64(0); i <= 70; i++ {
		if got, want := tree.Root(), referenceRoot(leaves); !bytes.Equal(got, want) {
			t.Fatalf("root at %d: got %x, want %x", i, got, want)
		}
		leaves = append(leaves, leafBody(i))
		tree.Append(leafBody(i))
	}
	for size := uint64(0); size <= 70; size++ {
		got, err := tree.RootAt(size)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceRoot(leaves[:size]); !bytes.Equal(got, want) {
			t.Fatalf("RootAt(%d): got %x, want %x", size, got, want)
		}
	}
}

func TestTreeProofsVerifyUpstream(t *testing.T) {
	tree := ledger.NewTree()
	const n = 40
	for i := uint64(0); i < n; i++ {
		tree.Append(leafBody(i))
	}
	for size := uint64(1); size <= n; size++ {
		root, _ := tree.RootAt(size)
		for index := uint64(0); index < size; index++ {
			p, err := tree.InclusionProof(index, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, ledger.LeafHash(leafBody(index)), p, root); err != nil {
				t.Fatalf("inclusion %d@%d: %v", index, size, err)
			}
		}
		for old := uint64(0); old <= size; old++ {
			oldRoot, _ := tree.RootAt(old)
			p, err := tree.ConsistencyProof(old, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old, size, p, oldRoot, root); err != nil {
				t.Fatalf("consistency %d..%d: %v", old, size, err)
			}
		}
	}
}

func TestTreeUpstreamVectors(t *testing.T) {
	tree := ledger.NewTree()
	roots := testonly.RootHashes()
	for i, leaf := range testonly.LeafInputs() {
		tree.Append(leaf)
		if got, want := tree.Root(), roots[i+1]; !bytes.Equal(got, want) {
			t.Fatalf("root at %d: got %x, want %x", i+1, got, want)
		}
	}
}

func TestTreeTruncate(t *testing.T) {
	tree := ledger.NewTree()
	for i := uint64(0); i < 37; i++ {
		tree.Append(leafBody(i))
	}
	for _, size := range []uint64{37, 32, 21, 1, 0} {
		t.Run(fmt.Sprintf("to %d then regrow", size), func(t *testing.T) {
			if err := tree.Truncate(size); err != nil {
				t.Fatal(err)
			}
			var leaves [][]byte
			for i := uint64(0); i < size; i++ {
				leaves = append(leaves, leafBody(i))
			}
			if got, want := tree.Root(), referenceRoot(leaves); !bytes.Equal(got, want) {
				t.Fatalf("root after truncate: got %x, want %x", got, want)
			}
			for i := size; i < 37; i++ {
				tree.Append(leafBody(i))
				leaves = append(leaves, leafBody(i))
			}
			if got, want := tree.Root(), referenceRoot(leaves); !bytes.Equal(got, want) {
				t.Fatalf("root after regrowing: got %x, want %x", got, want)
			}
		})
	}
	if err := tree.Truncate(38); err == nil {
		t.Error("truncate past the size: got nil error")
	}
}

// TestTreeBulkAppendMatchesUpstream appends leaves many at once, as a rebuild does
// (hashing each level's new nodes in parallel past a few thousand), and one by one,
// and compares every root with the upstream library's compact range.
func TestTreeBulkAppendMatchesUpstream(t *testing.T) {
	const n = 20_000
	leaves := make([][32]byte, n)
	for i := range leaves {
		leaves[i] = [32]byte(rfc6962.DefaultHasher.HashLeaf(leafBody(uint64(i))))
	}
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	upstream := make([][]byte, n+1) // root at each size
	upstream[0] = rfc6962.DefaultHasher.EmptyRoot()
	for i := range leaves {
		if err := rng.Append(leaves[i][:], nil); err != nil {
			t.Fatal(err)
		}
		root, err := rng.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		upstream[i+1] = root
	}
	one := ledger.NewTree()
	for i := range leaves {
		one.AppendLeafHash(leaves[i][:])
	}
	bulk := ledger.NewTree()
	bulk.Grow(n / 3) // room for some, as a rebuild makes for all
	// Ranges of every shape: single leaves, odd and even, some ending on a subtree.
	for _, cut := range []int{1, 3, 8, 9000, 9001, 17_000, n} {
		bulk.AppendLeaves(leaves[bulk.Size():cut])
		if got := bulk.Root(); !bytes.Equal(got, upstream[cut]) {
			t.Fatalf("root after appending up to %d at once: got %x, want %x", cut, got, upstream[cut])
		}
	}
	for size := uint64(0); size <= n; size += 1 + size/7 {
		a, _ := bulk.RootAt(size)
		b, _ := one.RootAt(size)
		if !bytes.Equal(a, upstream[size]) || !bytes.Equal(b, upstream[size]) {
			t.Fatalf("RootAt(%d): bulk %x, one by one %x, upstream %x", size, a, b, upstream[size])
		}
	}
	if err := bulk.Truncate(12_345); err != nil {
		t.Fatal(err)
	}
	bulk.AppendLeaves(leaves[12_345:])
	if got := bulk.Root(); !bytes.Equal(got, upstream[n]) {
		t.Fatalf("root after truncating and appending again: got %x, want %x", got, upstream[n])
	}
}

func TestLeafHashMatchesUpstream(t *testing.T) {
	for _, n := range []int{0, 1, 55, 56, 64, 1022, 1023, 1024, 1025, 5000} {
		body := bytes.Repeat([]byte{'x'}, n)
		if got, want := ledger.LeafHash(body), rfc6962.DefaultHasher.HashLeaf(body); !bytes.Equal(got, want) {
			t.Errorf("leaf hash of %d bytes: got %x, want %x", n, got, want)
		}
	}
}
