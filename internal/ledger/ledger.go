package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"coldset/internal/store"
)

// Ledger opens the Logs of one store lazily, one per production, all signed with
// one deployment key. It is safe for concurrent use.
//
// When the store is a store.Watcher (PostgreSQL), the Ledger follows the appends of
// other processes: each open Log catches up as soon as the store tells of an append
// to its production, so readers see them within milliseconds, not only when the
// Log next appends.
type Ledger struct {
	st        store.Store
	signer    *Signer
	newFolder func(production string) Folder

	mu     sync.Mutex
	logs   map[string]*opening
	closed bool

	stopWatch context.CancelFunc // ends the watch goroutine; nil without a Watcher
	watchDone chan struct{}
}

// opening is a Log being opened or open; ready is closed once log or err is set.
type opening struct {
	ready chan struct{}
	log   *Log
	err   error
}

// New returns a Ledger over st. newFolder gives each production's folder; nil means
// NopFolder for every production.
func New(st store.Store, s *Signer, newFolder func(production string) Folder) *Ledger {
	if newFolder == nil {
		newFolder = func(string) Folder { return NopFolder{} }
	}
	lg := &Ledger{st: st, signer: s, newFolder: newFolder, logs: map[string]*opening{}}
	if w, ok := st.(store.Watcher); ok {
		ctx, cancel := context.WithCancel(context.Background())
		lg.stopWatch, lg.watchDone = cancel, make(chan struct{})
		go func() {
			defer close(lg.watchDone)
			lg.follow(ctx, w)
		}()
	}
	return lg
}

// Signer returns the deployment key the ledger signs with.
func (lg *Ledger) Signer() *Signer { return lg.signer }

// Size returns the number of entries stored for production (0 when it has none),
// read from the store in one lookup, without opening production's Log.
func (lg *Ledger) Size(ctx context.Context, production string) (uint64, error) {
	n, err := lg.st.Size(ctx, production)
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", production, err)
	}
	return n, nil
}

// Log returns production's Log, opening it on first use. Concurrent callers for one
// production share one Open; a failed Open is retried by the next call.
func (lg *Ledger) Log(ctx context.Context, production string) (*Log, error) {
	lg.mu.Lock()
	if lg.closed {
		lg.mu.Unlock()
		return nil, ErrClosed
	}
	o, ok := lg.logs[production]
	if !ok {
		o = &opening{ready: make(chan struct{})}
		lg.logs[production] = o
		lg.mu.Unlock()
		o.log, o.err = Open(ctx, lg.st, lg.signer, production, func() Folder { return lg.newFolder(production) })
		if o.err != nil {
			lg.mu.Lock()
			delete(lg.logs, production)
			lg.mu.Unlock()
		}
		close(o.ready)
	} else {
		lg.mu.Unlock()
	}
	select {
	case <-o.ready:
		return o.log, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Existing returns production's Log like Log, but fails with store.ErrNotFound for a
// production that has no entries, so that readers cannot make the ledger hold a Log
// for every name they try.
func (lg *Ledger) Existing(ctx context.Context, production string) (*Log, error) {
	lg.mu.Lock()
	_, open := lg.logs[production]
	lg.mu.Unlock()
	if !open {
		n, err := lg.st.Size(ctx, production)
		if err != nil {
			return nil, fmt.Errorf("find production %s: %w", production, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("production %s: %w", production, store.ErrNotFound)
		}
	}
	return lg.Log(ctx, production)
}

// Productions lists the productions with at least one stored entry.
func (lg *Ledger) Productions(ctx context.Context) ([]string, error) {
	ps, err := lg.st.Productions(ctx)
	if err != nil {
		return nil, fmt.Errorf("list productions: %w", err)
	}
	return ps, nil
}

// CatchUp has production's Log, if open, read what other processes appended. A Log
// not yet open will read everything when it opens.
func (lg *Ledger) CatchUp(ctx context.Context, production string) error {
	lg.mu.Lock()
	o, ok := lg.logs[production]
	lg.mu.Unlock()
	if !ok {
		return nil
	}
	select {
	case <-o.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	if o.err != nil {
		return nil
	}
	return o.log.CatchUp(ctx)
}

// Close stops following the store and closes every open Log. It does not close the
// store.
func (lg *Ledger) Close() error {
	if lg.stopWatch != nil {
		lg.stopWatch()
		<-lg.watchDone
	}
	lg.mu.Lock()
	lg.closed = true
	logs := lg.logs
	lg.logs = map[string]*opening{}
	lg.mu.Unlock()
	var errs []error
	for _, o := range logs {
		<-o.ready
		if o.log != nil {
			errs = append(errs, o.log.Close())
		}
	}
	return errors.Join(errs...)
}
