package ledger_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/storetest"
)

// backends are the real stores the Log runs on.
var backends = []struct {
	name string
	open func(testing.TB) store.Backend
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

func TestLogOnRealStores(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			st, s := be.open(t), testSigner(t)
			if _, ok := st.(ledger.CheckpointHistory); !ok {
				t.Errorf("%T keeps no checkpoint history: verify cannot name a changed entry", st)
			}
			l, err := ledger.Open(context.Background(), st, s, "p1", newListFolder)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					for range 20 {
						if _, err := appendOne(l, "note"); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			l.Close()
			v, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", nil)
			if err != nil || v.Size != 320 {
				t.Fatalf("verify: %+v, %v; want 320 entries", v, err)
			}
			reopened, err := ledger.Open(context.Background(), st, s, "p1", newListFolder)
			if err != nil {
				t.Fatal(err)
			}
			defer reopened.Close()
			if got := len(folded(reopened)); got != 320 {
				t.Fatalf("reopened folder holds %d entries, want 320", got)
			}
		})
	}
}

// TestLogsOnOnePostgresNeverFork stands two processes up as two stores on one database,
// each with its own Log of the same production, deciding on their folders.
func TestLogsOnOnePostgresNeverFork(t *testing.T) {
	url := storetest.PostgresURL(t)
	s := testSigner(t)
	var logs []*ledger.Log
	for range 2 {
		st := openPostgres(t, url)
		l, err := ledger.Open(context.Background(), st, s, "p1", newListFolder)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		logs = append(logs, l)
	}
	var wg sync.WaitGroup
	for _, l := range logs {
		for range 16 {
			wg.Go(func() {
				for range 15 {
					_, err := l.Do(context.Background(), func(f ledger.Folder, next uint64) ([]ledger.Entry, error) {
						if n := uint64(len(f.(*listFolder).entries)); n != next {
							return nil, fmt.Errorf("decided on %d entries at next %d", n, next)
						}
						return []ledger.Entry{{Type: "note"}}, nil
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	st := openPostgres(t, url)
	if v, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", nil); err != nil || v.Size != 480 {
		t.Fatalf("verify: %+v, %v; want 480 entries", v, err)
	}
}

// openPostgres opens one more store on the database at url, as another process would.
func openPostgres(t *testing.T, url string) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
