package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// faultStore is a real store with failures injected into it: the next Append can be
// made to fail, writing nothing, and the Appends that succeed are counted.
type faultStore struct {
	store.Store
	mu       sync.Mutex
	failNext error
	appends  int
}

var (
	_ store.Store              = (*faultStore)(nil)
	_ ledger.CheckpointHistory = (*faultStore)(nil)
)

// openStore opens a faultStore on a fresh SQLite database, closed when the test ends.
func openStore(tb testing.TB) *faultStore {
	tb.Helper()
	return &faultStore{Store: storetest.OpenSQLite(tb)}
}

func (f *faultStore) Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) error {
	f.mu.Lock()
	err := f.failNext
	f.failNext = nil
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if err := f.Store.Append(ctx, production, next, bodies, checkpoint); err != nil {
		return err
	}
	f.mu.Lock()
	f.appends++
	f.mu.Unlock()
	return nil
}

// Checkpoints passes the history through, so that Verify can narrow a mismatch down.
func (f *faultStore) Checkpoints(ctx context.Context, production string) ([][]byte, error) {
	return f.Store.(ledger.CheckpointHistory).Checkpoints(ctx, production)
}

// fail makes the next Append fail with err.
func (f *faultStore) fail(err error) {
	f.mu.Lock()
	f.failNext = err
	f.mu.Unlock()
}

// appended returns how many Appends succeeded.
func (f *faultStore) appended() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.appends
}

// exec changes the stored rows with SQL, as someone with access to the database could.
func (f *faultStore) exec(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	return storetest.Exec(t, f.Store, query, args...)
}

// body returns the stored body of entry index of production.
func (f *faultStore) body(t testing.TB, production string, index uint64) []byte {
	t.Helper()
	rows, err := f.Entries(context.Background(), production, index, index+1)
	if err != nil || len(rows) != 1 {
		t.Fatalf("read entry %d: %v (%d rows)", index, err, len(rows))
	}
	return rows[0].Body
}

var errDown = errors.New("store is down")
