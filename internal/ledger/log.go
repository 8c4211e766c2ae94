package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"coldset/internal/store"
)

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("ledger: log closed")

// readChunk is how many entries loading and verification read per store query.
const readChunk = 50_000

// Log is one production's append-only log as one process sees it: the folder its
// entries fold into, the Merkle tree over them and the latest signed checkpoint. All
// appends go through one writer goroutine that commits concurrent Do calls together
// (group commit). A Log is safe for concurrent use. Open one Log per production per
// process; Logs in different processes on one PostgreSQL store stay consistent
// through the store's append guard.
type Log struct {
	st         store.Store
	signer     *Signer
	production string
	newFolder  func() Folder
	stateless  bool // the folder is a NopFolder: bodies need not be decoded to rebuild it

	reqs      chan *request // unbuffered: a send succeeds only when the writer takes it
	quit      chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	// mu guards the state below. The writer holds it for a whole batch, from the first
	// decide to the store's acknowledgement, so readers only ever see committed state.
	mu         sync.RWMutex
	folder     Folder
	tree       *Tree  // exactly size leaves outside a batch
	size       uint64 // committed entries
	checkpoint []byte // signed checkpoint for size; nil while the log is empty
	stale      error  // non-nil when the folder or tree may hold uncommitted state
}

// Open loads production's log from the store: it folds every stored entry into
// newFolder(), builds the tree and checks it against the latest signed checkpoint.
// The Log starts its writer goroutine; Close stops it.
func Open(ctx context.Context, st store.Store, s *Signer, production string, newFolder func() Folder) (*Log, error) {
	if err := ValidProduction(production); err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	if newFolder == nil {
		newFolder = NewNopFolder
	}
	l := &Log{
		st:         st,
		signer:     s,
		production: production,
		newFolder:  newFolder,
		reqs:       make(chan *request),
		quit:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	_, l.stateless = newFolder().(NopFolder)
	if err := l.reload(ctx); err != nil {
		return nil, fmt.Errorf("open log %s: %w", production, err)
	}
	go l.run()
	return l, nil
}

// Close stops the writer after the batch in progress. Do calls waiting to be taken
// fail with ErrClosed. Close does not close the store.
func (l *Log) Close() error {
	l.closeOnce.Do(func() { close(l.quit) })
	<-l.done
	return nil
}

// Production returns the production id the log belongs to.
func (l *Log) Production() string { return l.production }

// View calls fn with the folder, consistent with the committed entries. fn must not
// keep the folder, modify it, or call Do. After a failed append View first rebuilds
// the folder from the store; if the store cannot be read, fn sees what could be
// rebuilt and Err says why.
func (l *Log) View(fn func(f Folder)) {
	l.mu.RLock()
	if l.stale == nil {
		defer l.mu.RUnlock()
		fn(l.folder)
		return
	}
	l.mu.RUnlock()
	// A failed append left state to discard; rebuild before showing anything.
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stale != nil {
		_ = l.reload(context.Background())
	}
	fn(l.folder)
}

// Err reports why the log's in-memory state could not be rebuilt from the store
// after a failed append (the store is unreachable, or no longer matches its
// checkpoint), or nil when the log is healthy.
func (l *Log) Err() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.stale
}

// Size returns the number of committed entries.
func (l *Log) Size() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.size
}

// Checkpoint returns the signed checkpoint for the committed entries, or nil while the
// log is empty.
func (l *Log) Checkpoint() []byte {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.checkpoint
}

// Head is a log's committed state at one moment: its size, root hash and the signed
// checkpoint for them.
type Head struct {
	Size       uint64
	Root       []byte
	Checkpoint []byte // nil while the log is empty
}

// Head returns the committed size, root and checkpoint, read together.
func (l *Log) Head() Head {
	l.mu.RLock()
	defer l.mu.RUnlock()
	root, _ := l.tree.RootAt(l.size)
	return Head{Size: l.size, Root: root, Checkpoint: l.checkpoint}
}

// Root returns the RFC 6962 root hash at a committed size.
func (l *Log) Root(size uint64) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if size > l.size {
		return nil, fmt.Errorf("root of %s at %d: %w (size %d)", l.production, size, ErrBeyondSize, l.size)
	}
	return l.tree.RootAt(size)
}

// ErrBeyondSize reports a request for entries, roots or proofs past the committed size.
var ErrBeyondSize = errors.New("beyond the log's size")

// InclusionProof returns the proof that entry index is in the log of the given
// (committed) size.
func (l *Log) InclusionProof(index, size uint64) ([][]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if size > l.size || index >= size {
		return nil, fmt.Errorf("inclusion proof of %s %d@%d: %w (size %d)", l.production, index, size, ErrBeyondSize, l.size)
	}
	return l.tree.InclusionProof(index, size)
}

// ConsistencyProof returns the proof that the log at size to extends the log at size
// from; both must be committed sizes and from <= to.
func (l *Log) ConsistencyProof(from, to uint64) ([][]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if to > l.size || from > to {
		return nil, fmt.Errorf("consistency proof of %s %d..%d: %w (size %d)", l.production, from, to, ErrBeyondSize, l.size)
	}
	return l.tree.ConsistencyProof(from, to)
}

// Entries returns the committed entries with from <= index < to, read from the store.
func (l *Log) Entries(ctx context.Context, from, to uint64) ([]store.Entry, error) {
	size := l.Size()
	to = min(to, size)
	if from >= to {
		return nil, nil
	}
	rows, err := l.st.Entries(ctx, l.production, from, to)
	if err != nil {
		return nil, fmt.Errorf("entries of %s %d..%d: %w", l.production, from, to, err)
	}
	return rows, nil
}
