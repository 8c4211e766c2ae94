package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"coldset/internal/demo"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// newTestLedger is a ledger on a fresh SQLite store in the test's temporary directory,
// signed with a key of its own; the ledger and the store are closed when the test
// ends.
func newTestLedger(tb testing.TB) (*ledger.Ledger, store.Backend) {
	tb.Helper()
	st := storetest.OpenSQLite(tb)
	signer, err := ledger.LoadOrCreateKey(filepath.Join(tb.TempDir(), "coldset.key"))
	if err != nil {
		tb.Fatal(err)
	}
	lg := ledger.New(st, signer, production.NewFolder)
	tb.Cleanup(func() { lg.Close() })
	return lg, st
}

// newDemoLedger is newTestLedger with the demo cast seeded as opts says.
func newDemoLedger(tb testing.TB, opts demo.Options) (*ledger.Ledger, store.Backend) {
	tb.Helper()
	lg, st := newTestLedger(tb)
	if _, err := demo.Seed(context.Background(), lg, st, opts); err != nil {
		tb.Fatal(err)
	}
	return lg, st
}

// newQuietServer is New(cfg) on lg and st with a logger that drops everything: the
// tests that read the logs (the anonymity tests) build their own.
func newQuietServer(lg *ledger.Ledger, st store.Backend, cfg Config) *Server {
	cfg.Ledger, cfg.Store, cfg.Logger = lg, st, slog.New(slog.DiscardHandler)
	return New(cfg)
}

// testClock is a server clock the test sets. The server reads it from the goroutines
// of its requests, so it is behind a lock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// setClock sets the server clock for the requests that follow.
func (c *testClock) setClock(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// advance moves the server clock on by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
