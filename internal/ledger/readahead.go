package ledger

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"coldset/internal/store"
)

// chunk is one range of stored rows, from <= index < to, as read ahead for a rebuild
// or a verification.
type chunk struct {
	from, to uint64
	rows     []store.Entry
	err      error // reading the range failed; no later chunk follows

	// Filled in by prepare for a rebuild: the leaf hash and decoded entry of each row
	// (entries is nil for a stateless log), and the error decoding each (nil if none).
	leaves  []hash
	entries []Entry
	bad     []error
}

// readAheadChunk is readChunk, lowered by tests to cross range boundaries with few
// entries.
var readAheadChunk uint64 = readChunk

// readAhead reads production's rows from..to-1 in ranges of readChunk on its own
// goroutine, one range ahead of the consumer, so that reading the store overlaps with
// decoding, folding and hashing what was read before. The channel is unbuffered, so
// that no more than that one range waits in memory. It is closed after the last range
// or the first that fails to read. The goroutine ends early when ctx ends; the caller
// cancels ctx when it stops reading before the end, and waits on wg.
func readAhead(ctx context.Context, st store.Store, production string, from, to uint64, wg *sync.WaitGroup) <-chan *chunk {
	out := make(chan *chunk)
	wg.Go(func() {
		defer close(out)
		for from < to {
			c := &chunk{from: from, to: min(from+readAheadChunk, to)}
			c.rows, c.err = st.Entries(ctx, production, c.from, c.to)
			if c.err != nil {
				c.err = fmt.Errorf("read entries %d..%d: %w", c.from, c.to, c.err)
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
			if c.err != nil {
				return
			}
			from = c.to
		}
	})
	return out
}

// prepareAhead hashes and, unless stateless, decodes the rows of every chunk from in,
// on all CPUs, one chunk ahead of the consumer, who then only folds the entries in
// order. Chunks that failed to read pass through as they are. With readAhead, at
// most three ranges are in memory at once: being read, prepared and folded.
func prepareAhead(ctx context.Context, in <-chan *chunk, stateless bool, wg *sync.WaitGroup) <-chan *chunk {
	out := make(chan *chunk)
	wg.Go(func() {
		defer close(out)
		for c := range in {
			if c.err == nil {
				c.prepare(stateless)
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
		}
	})
	return out
}

// minParallelRows is the smallest number of rows whose decoding and hashing is split
// among the CPUs: a catch-up of a few entries appended by another process is done
// where it is.
const minParallelRows = 256

// prepare computes c.leaves and, unless stateless, c.entries and c.bad.
func (c *chunk) prepare(stateless bool) {
	c.leaves = make([]hash, len(c.rows))
	if !stateless {
		c.entries = make([]Entry, len(c.rows))
		c.bad = make([]error, len(c.rows))
	}
	part := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b := c.rows[i].Body
			c.leaves[i] = leafHash(b)
			if !stateless {
				c.entries[i], c.bad[i] = DecodeEntry(b)
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(c.rows) < minParallelRows || workers < 2 {
		part(0, len(c.rows))
		return
	}
	// Smaller shares than one per CPU, so that a worker slowed by the reader or the
	// folder sharing its CPU does not hold up the chunk.
	per := max(minParallelRows, (len(c.rows)+4*workers-1)/(4*workers))
	var next sync.Mutex
	lo := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				from := lo
				lo = min(lo+per, len(c.rows))
				next.Unlock()
				if from == len(c.rows) {
					return
				}
				part(from, min(from+per, len(c.rows)))
			}
		})
	}
	wg.Wait()
}
