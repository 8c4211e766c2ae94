package bench

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
)

// runProofs times inclusion and consistency proofs on a tree of many leaves, as a
// Log holds it in memory; the raw limit beside them is one SHA-256 of two child
// hashes, the step every proof level costs a verifier.
func runProofs(ctx context.Context, args []string, _ Coldset) error {
	fs, pf := newFlagSet("bench proofs")
	entries := fs.Int("entries", 10_000_000, "leaves in the tree")
	count := fs.Int("proofs", 100_000, "proofs of each kind to time")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *entries < 2 || *count < 1 {
		return cli.UsageError(fs, "--entries must be at least 2 and --proofs positive")
	}
	printMachine(".")
	t := time.Now()
	tree := ledger.NewTree()
	var leaf [8]byte
	for i := range *entries {
		if i%1_000_000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		binary.BigEndian.PutUint64(leaf[:], uint64(i))
		tree.Append(leaf[:])
	}
	fmt.Printf("bench proofs: tree of %d leaves built in %v\n", *entries, time.Since(t).Round(time.Millisecond))
	stop, err := pf.start()
	if err != nil {
		return err
	}
	defer stop()
	size := tree.Size()
	var longest int
	t = time.Now()
	for range *count {
		p, err := tree.InclusionProof(rand.Uint64N(size), size)
		if err != nil {
			return err
		}
		longest = max(longest, len(p))
	}
	inc := time.Since(t) / time.Duration(*count)
	t = time.Now()
	for range *count {
		if _, err := tree.ConsistencyProof(1+rand.Uint64N(size-1), size); err != nil {
			return err
		}
	}
	cons := time.Since(t) / time.Duration(*count)
	var pair [64]byte
	t = time.Now()
	for i := range *count {
		pair[0] = byte(i)
		sha256.Sum256(pair[:])
	}
	h := time.Since(t) / time.Duration(*count)
	fmt.Printf("  inclusion proof:    %v each (%d hashes at most)\n", fmtDur(inc), longest)
	fmt.Printf("  consistency proof:  %v each\n", fmtDur(cons))
	fmt.Printf("  raw, one SHA-256 of two child hashes: %v\n", fmtDur(h))
	printLoad()
	return nil
}
