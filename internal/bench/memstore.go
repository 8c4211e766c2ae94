package bench

import (
	"context"
	"fmt"
	"math"

	"coldset/internal/store"
)

// memStore is one production's log held in memory, read-only: it lets a benchmark
// time what verification costs apart from reading the database.
type memStore struct {
	production string
	rows       []store.Entry
	checkpoint []byte
}

var _ store.Store = (*memStore)(nil)

// memCopy reads production's entries and latest checkpoint from st into memory.
func memCopy(ctx context.Context, st store.Store, production string) (*memStore, error) {
	rows, err := st.Entries(ctx, production, 0, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	cp, err := st.Checkpoint(ctx, production)
	if err != nil {
		return nil, err
	}
	return &memStore{production: production, rows: rows, checkpoint: cp}, nil
}

func (m *memStore) Append(context.Context, string, uint64, [][]byte, []byte) error {
	return fmt.Errorf("append to the in-memory copy of %s: read-only", m.production)
}

func (m *memStore) Entries(_ context.Context, production string, from, to uint64) ([]store.Entry, error) {
	if production != m.production {
		return nil, nil
	}
	to = min(to, uint64(len(m.rows)))
	if from >= to {
		return nil, nil
	}
	return m.rows[from:to], nil
}

func (m *memStore) Size(_ context.Context, production string) (uint64, error) {
	if production != m.production {
		return 0, nil
	}
	return uint64(len(m.rows)), nil
}

func (m *memStore) Checkpoint(_ context.Context, production string) ([]byte, error) {
	if production != m.production {
		return nil, store.ErrNotFound
	}
	return m.checkpoint, nil
}

func (m *memStore) Productions(context.Context) ([]string, error) { return []string{m.production}, nil }
func (m *memStore) Close() error                                  { return nil }
