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

// Gathering. After answering a batch the writer would otherwise take only the Do
// calls already waiting: the callers it just answered have not called again yet, so
// with W callers each calling in a loop, batches alternate between a few calls and
// nearly all, about W/2 on average. So the writer waits a little for the callers it
// answered, as many as were in flight when the last batch committed, deciding each
// call as it arrives, and commits when all are in or after gatherMax. Callers that
// do not come back (an HTTP handler returns to its client) would make every batch
// wait the full time; after such a wait the writer stops waiting for a number of
// batches that doubles with each one, up to gatherBackoffMax.
const (
	// gatherMax bounds the wait for callers, and it is also bounded by the duration of
	// the last commit, so that waiting can at most halve throughput while full batches
	// nearly double it.
	gatherMax = time.Millisecond
	// gatherBackoffMax bounds how many batches skip waiting after a wait that timed out.
	gatherBackoffMax = 64
)

// run is the writer goroutine: it takes the Do calls that are waiting, gathers the
// callers it expects back, and commits them all as one batch.
func (l *Log) run() {
	defer close(l.done)
	var (
		carry      []*request    // taken while the last batch committed
		want       int           // calls expected in the next batch
		lastCommit time.Duration // how long the last batch took to commit
		backoff    int           // batches that skip gathering after a wait timed out
		skip       int           // batches left to skip
	)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch := carry
		carry = nil
		if len(batch) == 0 {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
			case <-l.quit:
				return
			}
		}
		if skip > 0 {
			skip--
			want = 0
		}
		var timedOut bool
		batch, timedOut, lastCommit = l.gather(batch, min(want, maxBatch), min(gatherMax, lastCommit), timer)
		if timedOut {
			backoff = min(max(2*backoff, 1), gatherBackoffMax)
			skip = backoff
		} else if want > 1 {
			backoff = 0
		}
		// Take the calls that arrived meanwhile before answering: they and the calls
		// answered now are the callers in flight, who will make up the next batch.
		carry = l.drain(carry)
		want = len(batch) + len(carry)
		for _, r := range batch {
			r.reply <- result{first: r.first, err: r.err}
		}
	}
}

// gather decides the calls in batch, takes and decides more as they arrive until it
// holds want calls or wait has passed, and commits them. It reports whether it
// stopped waiting because wait passed, and how long the commit took.
func (l *Log) gather(batch []*request, want int, wait time.Duration, timer *time.Timer) (_ []*request, timedOut bool, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := pending{next: l.size, ok: l.stale == nil}
	for _, r := range batch {
		l.prepare(&p, r)
	}
	batch = l.drainInto(batch, &p)
	if len(batch) < want && wait > 0 {
		timer.Reset(wait)
	gathering:
		for len(batch) < want {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
				l.prepare(&p, r)
			case <-timer.C:
				timedOut = true
				break gathering
			case <-l.quit:
				break gathering
			}
		}
		timer.Stop()
		batch = l.drainInto(batch, &p)
	}
	start := time.Now()
	l.commit(batch, p)
	return batch, timedOut, time.Since(start)
}

// drainInto takes the calls already waiting, up to maxBatch in all, deciding each.
func (l *Log) drainInto(batch []*request, p *pending) []*request {
	for len(batch) < maxBatch {
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
			l.prepare(p, r)
		default:
			return batch
		}
	}
	return batch
}

// drain takes the calls already waiting, up to maxBatch, without deciding them.
func (l *Log) drain(batch []*request) []*request {
	for len(batch) < maxBatch {
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// pending is a batch decided call by call as its calls arrive.
type pending struct {
	next   uint64   // the index the next call's first entry gets
	bodies [][]byte // the entries of the calls decided so far
	ok     bool     // false once a fold failed or the log was stale: commit decides again
}

// prepare decides r on top of the calls decided so far, unless deciding has stopped.
func (l *Log) prepare(p *pending, r *request) {
	if !p.ok {
		return
	}
	if !l.decide(r, p.next) {
		// A fold failed half-way: the folder holds part of an entry list. Its caller has
		// its error; commit rebuilds and decides the others again.
		_ = l.markStale(errors.New("fold failed"))
		p.ok = false
		return
	}
	if r.err == nil {
		p.bodies = append(p.bodies, r.bodies...)
		p.next += uint64(r.n)
	}
}

// commit appends one batch, setting each request's first index or error. p holds the
// batch as decided on arrival; if that failed, or the append meets a conflict, the
// batch is decided again against the store's state.
func (l *Log) commit(batch []*request, p pending) {
	// A caller's cancellation does not stop a batch once it is being written; only a
	// store that stops answering does.
	ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
	defer cancel()
	conflicts := 0
	bodies, decided := p.bodies, p.ok
	for {
		if !decided {
			if l.stale != nil {
				if err := l.reload(ctx); err != nil {
					failAll(batch, fmt.Errorf("append to %s: reload: %w", l.production, err))
					return
				}
			}
			var ok bool
			bodies, ok = l.decideAll(batch)
			if !ok {
				// A fold failed half-way: the folder holds part of an entry list. Its
				// caller has its error; rebuild and decide the others again.
				_ = l.markStale(errors.New("fold failed"))
				continue
			}
		}
		decided = false
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
		if !l.decide(r, next) {
			return nil, false
		}
		if r.err == nil {
			bodies = append(bodies, r.bodies...)
			next += uint64(r.n)
		}
	}
	return bodies, true
}

// decide runs r's decide with its first entry at next, then encodes, folds and hashes
// its entries; r.err is set if r fails on its own. It returns false after a fold
// failure, which leaves the folder holding part of r's entries. A request whose
// failure is final is skipped.
func (l *Log) decide(r *request, next uint64) bool {
	if r.final {
		return true
	}
	r.first, r.n, r.bodies, r.err = next, 0, nil, nil
	if err := r.ctx.Err(); err != nil {
		r.err, r.final = err, true
		return true
	}
	entries, err := r.decide(l.folder, next)
	if err != nil {
		r.err = err
		return true
	}
	var leaves []hash
	if r.bodies, leaves, r.err = l.encode(entries, next); r.err != nil {
		return true
	}
	if err := l.fold(r.bodies, entries); err != nil {
		r.err, r.final = fmt.Errorf("append to %s: %w", l.production, err), true
		return false
	}
	l.tree.appendLeaves(leaves)
	r.n = len(entries)
	return true
}

// encode numbers entries from next, chains each to the one before it and returns
// their canonical bodies and leaf hashes. The tree must hold exactly next leaves.
func (l *Log) encode(entries []Entry, next uint64) ([][]byte, []hash, error) {
	bodies := make([][]byte, len(entries))
	// The hash each entry's Prev points at, then the entries' own: one allocation.
	hashes := make([]hash, 1+len(entries))
	if next > 0 {
		hashes[0] = l.tree.leaf(next - 1)
	}
	for i := range entries {
		entries[i].Production = l.production
		entries[i].Index = next + uint64(i)
		entries[i].Prev = nil
		if next+uint64(i) > 0 {
			entries[i].Prev = hashes[i][:]
		}
		b, err := entries[i].Encode()
		if err != nil {
			return nil, nil, fmt.Errorf("append to %s: %w", l.production, err)
		}
		bodies[i] = b
		hashes[i+1] = leafHash(b)
	}
	return bodies, hashes[1:], nil
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
