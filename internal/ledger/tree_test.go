package ledger_test

import (
	"bytes"
	"fmt"
	"testing"

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
