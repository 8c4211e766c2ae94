package ledger

import (
	"context"
	"errors"
	"sort"
	"sync"

	"coldset/internal/store"
)

// memStore is an in-memory store.Store with a checkpoint history, and hooks to inject
// failures, for testing the ledger without a database.
type memStore struct {
	mu          sync.Mutex
	logs        map[string][][]byte
	checkpoints map[string][][]byte
	failNext    error // returned (once) by the next Append, which writes nothing
	appends     int
}

func newMemStore() *memStore {
	return &memStore{logs: map[string][][]byte{}, checkpoints: map[string][][]byte{}}
}

var (
	_ store.Store       = (*memStore)(nil)
	_ CheckpointHistory = (*memStore)(nil)
)

func (m *memStore) Append(_ context.Context, p string, next uint64, bodies [][]byte, cp []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.failNext; err != nil {
		m.failNext = nil
		return err
	}
	if uint64(len(m.logs[p])) != next {
		return store.ErrConflict
	}
	m.appends++
	for _, b := range bodies {
		m.logs[p] = append(m.logs[p], append([]byte(nil), b...))
	}
	m.checkpoints[p] = append(m.checkpoints[p], append([]byte(nil), cp...))
	return nil
}

func (m *memStore) Entries(_ context.Context, p string, from, to uint64) ([]store.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var es []store.Entry
	for i := from; i < to && i < uint64(len(m.logs[p])); i++ {
		if m.logs[p][i] != nil { // nil marks a deleted row
			es = append(es, store.Entry{Index: i, Body: m.logs[p][i]})
		}
	}
	return es, nil
}

func (m *memStore) Size(_ context.Context, p string) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return uint64(len(m.logs[p])), nil
}

func (m *memStore) Checkpoint(_ context.Context, p string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cps := m.checkpoints[p]
	if len(cps) == 0 {
		return nil, store.ErrNotFound
	}
	return cps[len(cps)-1], nil
}

func (m *memStore) Checkpoints(_ context.Context, p string) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.checkpoints[p]...), nil
}

func (m *memStore) Productions(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ps []string
	for p := range m.logs {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps, nil
}

func (m *memStore) Close() error { return nil }

// fail makes the next Append fail with err.
func (m *memStore) fail(err error) {
	m.mu.Lock()
	m.failNext = err
	m.mu.Unlock()
}

// edit changes stored rows in place, as someone with SQL access could.
func (m *memStore) edit(fn func(logs, checkpoints map[string][][]byte)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn(m.logs, m.checkpoints)
}

var errDown = errors.New("store is down")
