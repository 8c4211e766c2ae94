package ledger

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"coldset/internal/store"
)

const (
	// maxBatch bounds how many Do calls one transaction carries.
	maxBatch = 1024
	// maxConflicts bounds how often one batch is re-decided after other processes
	// appended first.
	maxConflicts = 50
	// appendTimeout bounds one batch, retries included.
	appendTimeout = 2 * time.Minute
)

// request is one Do call waiting for the writer.
type request struct {
	ctx    context.Context
	decide func(f Folder, next uint64) ([]Entry, error)
	reply  chan result

	// Set by the writer.
	first  uint64
	n      int
	bodies [][]byte
	err    error // this caller's own failure in the latest attempt
	final  bool  // err stands even if the batch is decided again
}

type result struct {
	first uint64
	err   error
}

// Do appends the entries decide returns. decide runs on the log's writer goroutine,
// with the folder holding every committed entry and those of earlier Do calls in the
// same batch; next is the index its first entry will get. The writer sets each
// entry's Production, Index and Prev (whatever decide put there), folds it, and
// commits the entries of all concurrent Do calls with one new signed checkpoint in a
// single store append.
//
// Do returns the index of the first entry once the entries are durable. When the
// store reports that another process appended first, the log catches up and runs
// decide again against the new state, so decide may run more than once and must not
// have side effects. An error from decide fails only its own call. Any other error
// means the entries are not acknowledged; callers must not assume they are absent
// either (the store may have failed after committing). decide must not call Do or
// View on the same log.
func (l *Log) Do(ctx context.Context, decide func(f Folder, next uint64) ([]Entry, error)) (first uint64, err error) {
	r := &request{ctx: ctx, decide: decide, reply: make(chan result, 1)}
	select {
	case l.reqs <- r:
	case <-l.quit:
		return 0, ErrClosed
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	// Once taken, a request is always answered, after its batch is durable or has failed.
	res := <-r.reply
	return res.first, res.err
}

// run is the writer goroutine: it takes every Do call that is waiting and commits
// them as one batch.
func (l *Log) run() {
	defer close(l.done)
	for {
		var batch []*request
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
		case <-l.quit:
			return
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		l.commit(batch)
		for _, r := range batch {
			r.reply <- result{first: r.first, err: r.err}
		}
	}
}

// commit decides and appends one batch, setting each request's first index or error.
func (l *Log) commit(batch []*request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// A caller's cancellation does not stop a batch once it is being written; only a
	// store that stops answering does.
	ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
	defer cancel()
	conflicts := 0
	for {
		if l.stale != nil {
			if err := l.reload(ctx); err != nil {
				failAll(batch, fmt.Errorf("append to %s: reload: %w", l.production, err))
				return
			}
		}
		bodies, ok := l.decideAll(batch)
		if !ok {
			// A fold failed half-way: the folder holds part of an entry list. Its
			// caller has its error; rebuild and decide the others again.
			_ = l.markStale(errors.New("fold failed"))
			continue
		}
		if len(bodies) == 0 {
			return
		}
		err := l.appendBatch(ctx, bodies)
		if err == nil {
			return
		}
		_ = l.markStale(err)
		if errors.Is(err, store.ErrConflict) && conflicts < maxConflicts {
			conflicts++
			// Another process won the race; let it move on before trying again.
			time.Sleep(time.Duration(rand.Int64N(int64(conflicts) * int64(time.Millisecond))))
			continue
		}
		failAll(batch, fmt.Errorf("append to %s: %w", l.production, err))
		// Discard the batch's state now, so that View never shows it.
		_ = l.reload(ctx)
		return
	}
}

// decideAll runs the decide of every pending request in order, folding and hashing
// their entries. It returns the encoded bodies, or ok=false after a fold failure.
func (l *Log) decideAll(batch []*request) (bodies [][]byte, ok bool) {
	next := l.size
	for _, r := range batch {
		if r.final {
			continue
		}
		r.first, r.n, r.bodies, r.err = next, 0, nil, nil
		if err := r.ctx.Err(); err != nil {
			r.err, r.final = err, true
			continue
		}
		entries, err := r.decide(l.folder, next)
		if err != nil {
			r.err = err
			continue
		}
		var leaves []hash
		if r.bodies, leaves, r.err = l.encode(entries, next); r.err != nil {
			continue
		}
		if err := l.fold(r.bodies, entries); err != nil {
			r.err, r.final = fmt.Errorf("append to %s: %w", l.production, err), true
			return nil, false
		}
		for i := range leaves {
			l.tree.AppendLeafHash(leaves[i][:])
		}
		r.n = len(entries)
		bodies = append(bodies, r.bodies...)
		next += uint64(r.n)
	}
	return bodies, true
}

// encode numbers entries from next, chains each to the one before it and returns
// their canonical bodies and leaf hashes. The tree must hold exactly next leaves.
func (l *Log) encode(entries []Entry, next uint64) ([][]byte, []hash, error) {
	bodies := make([][]byte, len(entries))
	leaves := make([]hash, len(entries))
	var prev []byte
	if next > 0 {
		h := l.tree.leaf(next - 1)
		prev = h[:]
	}
	for i := range entries {
		entries[i].Production = l.production
		entries[i].Index = next + uint64(i)
		entries[i].Prev = prev
		b, err := entries[i].Encode()
		if err != nil {
			return nil, nil, fmt.Errorf("append to %s: %w", l.production, err)
		}
		bodies[i] = b
		leaves[i] = hash(LeafHash(b))
		prev = leaves[i][:]
	}
	return bodies, leaves, nil
}

// fold applies entries as a reload would: decoded from their bodies, so the live
// folder and a rebuilt one see identical values (UTC times, compact payloads).
func (l *Log) fold(bodies [][]byte, entries []Entry) error {
	if l.stateless {
		return nil
	}
	for i, b := range bodies {
		e, err := DecodeEntry(b)
		if err != nil {
			return fmt.Errorf("entry %d: %w", entries[i].Index, err)
		}
		if err := l.folder.Fold(e); err != nil {
			return fmt.Errorf("fold entry %d: %w", entries[i].Index, err)
		}
	}
	return nil
}

// appendBatch signs a checkpoint for the tree with the batch's leaves and writes both
// in one store append.
func (l *Log) appendBatch(ctx context.Context, bodies [][]byte) error {
	size := l.tree.Size()
	signed, err := l.signer.SignCheckpoint(l.production, size, l.tree.Root())
	if err != nil {
		return err
	}
	if err := l.st.Append(ctx, l.production, l.size, bodies, signed); err != nil {
		return err
	}
	l.size, l.checkpoint = size, signed
	return nil
}

func failAll(batch []*request, err error) {
	for _, r := range batch {
		if r.err == nil {
			r.err = err
		}
	}
}
