package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// listFolder records the entries folded into it and refuses type "unfoldable".
type listFolder struct{ entries []ledger.Entry }

func (f *listFolder) Fold(e ledger.Entry) error {
	if e.Type == "unfoldable" {
		return errors.New("cannot fold")
	}
	if want := uint64(len(f.entries)); e.Index != want {
		return fmt.Errorf("folded entry %d, want %d", e.Index, want)
	}
	f.entries = append(f.entries, e)
	return nil
}

func newListFolder() ledger.Folder { return &listFolder{} }

func testSigner(t testing.TB) *ledger.Signer {
	t.Helper()
	s, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "coldset.key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openLog(t testing.TB, st store.Store, s *ledger.Signer, production string) *ledger.Log {
	t.Helper()
	l, err := ledger.Open(context.Background(), st, s, production, newListFolder)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// appendOne appends one entry of type typ and returns its index.
func appendOne(l *ledger.Log, typ string) (uint64, error) {
	return l.Do(context.Background(), func(ledger.Folder, uint64) ([]ledger.Entry, error) {
		return []ledger.Entry{{Time: time.Unix(1700000000, 0), Type: typ, Payload: []byte(`{"n": 1}`)}}, nil
	})
}

func folded(l *ledger.Log) []ledger.Entry {
	var es []ledger.Entry
	l.View(func(f ledger.Folder) { es = append(es, f.(*listFolder).entries...) })
	return es
}

func wantVerified(t *testing.T, st store.Store, s *ledger.Signer, production string, size uint64) {
	t.Helper()
	v, err := ledger.Verify(context.Background(), st, s.Verifier(), production, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if v.Size != size {
		t.Fatalf("verified size %d, want %d", v.Size, size)
	}
}

func TestLogAppendsInOrder(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	l := openLog(t, st, s, "p1")
	for want := uint64(0); want < 5; want++ {
		got, err := appendOne(l, "note")
		if err != nil || got != want {
			t.Fatalf("append: got %d, %v; want %d", got, err, want)
		}
	}
	first, err := l.Do(context.Background(), func(f ledger.Folder, next uint64) ([]ledger.Entry, error) {
		if n := uint64(len(f.(*listFolder).entries)); n != next {
			return nil, fmt.Errorf("folder holds %d entries, next is %d", n, next)
		}
		return []ledger.Entry{{Type: "a"}, {Type: "b"}, {Type: "c"}}, nil
	})
	if err != nil || first != 5 {
		t.Fatalf("append three: got %d, %v; want 5", first, err)
	}
	if got := l.Size(); got != 8 {
		t.Fatalf("size %d, want 8", got)
	}
	_, cp, err := ledger.OpenCheckpoint(l.Checkpoint(), s.Verifier())
	if err != nil || cp.Size != 8 || cp.Origin != "coldset/p1" {
		t.Fatalf("checkpoint: %+v, %v", cp, err)
	}
	wantVerified(t, st, s, "p1", 8)

	reopened := openLog(t, st, s, "p1")
	if got, want := len(folded(reopened)), 8; got != want {
		t.Fatalf("reopened folder holds %d entries, want %d", got, want)
	}
}

func TestLogGroupCommit(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	l := openLog(t, st, s, "p1")
	const writers, each = 32, 40
	var wg sync.WaitGroup
	seen := make([]bool, writers*each)
	var mu sync.Mutex
	for w := 0; w < writers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				idx, err := appendOne(l, "note")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[idx] {
					t.Errorf("index %d acknowledged twice", idx)
				}
				seen[idx] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if got := len(folded(l)); got != writers*each {
		t.Fatalf("folder holds %d entries, want %d", got, writers*each)
	}
	if st.appended() >= writers*each {
		t.Errorf("%d store appends for %d entries: nothing was batched", st.appended(), writers*each)
	}
	t.Logf("%d entries in %d store appends", writers*each, st.appended())
	wantVerified(t, st, s, "p1", writers*each)
}

func TestLogFailuresStayWithTheirCaller(t *testing.T) {
	tests := []struct {
		name   string
		decide func(ledger.Folder, uint64) ([]ledger.Entry, error)
	}{
		{"decide returns an error", func(ledger.Folder, uint64) ([]ledger.Entry, error) { return nil, errors.New("refused") }},
		{"entry does not encode", func(ledger.Folder, uint64) ([]ledger.Entry, error) {
			return []ledger.Entry{{Type: "x", Payload: []byte("{not json")}}, nil
		}},
		{"fold fails after a good entry", func(ledger.Folder, uint64) ([]ledger.Entry, error) {
			return []ledger.Entry{{Type: "fine"}, {Type: "unfoldable"}}, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, s := openStore(t), testSigner(t)
			l := openLog(t, st, s, "p1")
			// Hold the writer so the bad call and good calls share one batch.
			release := make(chan struct{})
			go l.Do(context.Background(), func(ledger.Folder, uint64) ([]ledger.Entry, error) { <-release; return nil, nil })
			time.Sleep(10 * time.Millisecond)
			var wg sync.WaitGroup
			var badErr error
			wg.Go(func() { _, badErr = l.Do(context.Background(), tt.decide) })
			for range 3 {
				wg.Go(func() {
					if _, err := appendOne(l, "good"); err != nil {
						t.Errorf("good append: %v", err)
					}
				})
			}
			time.Sleep(10 * time.Millisecond)
			close(release)
			wg.Wait()
			if badErr == nil {
				t.Fatal("bad call: got nil error")
			}
			es := folded(l)
			if len(es) != 3 {
				t.Fatalf("folder holds %d entries, want the 3 good ones", len(es))
			}
			for _, e := range es {
				if e.Type != "good" {
					t.Errorf("folder holds entry of type %q", e.Type)
				}
			}
			wantVerified(t, st, s, "p1", 3)
		})
	}
}

func TestLogStoreFailureFailsTheBatchAndKeepsNothing(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	l := openLog(t, st, s, "p1")
	if _, err := appendOne(l, "kept"); err != nil {
		t.Fatal(err)
	}
	st.fail(errDown)
	if _, err := appendOne(l, "lost"); !errors.Is(err, errDown) {
		t.Fatalf("append while the store fails: got %v, want %v", err, errDown)
	}
	if es := folded(l); len(es) != 1 || es[0].Type != "kept" {
		t.Fatalf("folder after a failed append: %+v", es)
	}
	if got, err := appendOne(l, "after"); err != nil || got != 1 {
		t.Fatalf("append after recovery: got %d, %v; want 1", got, err)
	}
	wantVerified(t, st, s, "p1", 2)
}

func TestLogsOnOneStoreNeverFork(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	// Two Logs of one production stand for two server processes.
	a, b := openLog(t, st, s, "p1"), openLog(t, st, s, "p1")
	const each = 200
	var wg sync.WaitGroup
	for _, l := range []*ledger.Log{a, b} {
		for w := 0; w < 8; w++ {
			wg.Go(func() {
				for i := 0; i < each/8; i++ {
					if _, err := l.Do(context.Background(), func(f ledger.Folder, next uint64) ([]ledger.Entry, error) {
						if n := uint64(len(f.(*listFolder).entries)); n != next {
							return nil, fmt.Errorf("decided on %d entries at next %d", n, next)
						}
						return []ledger.Entry{{Type: "note"}}, nil
					}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	wantVerified(t, st, s, "p1", 2*each)
	for _, l := range []*ledger.Log{a, b} {
		if err := l.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := len(folded(l)); got != 2*each {
			t.Errorf("folder holds %d entries after catching up, want %d", got, 2*each)
		}
	}
}

func TestDoAfterClose(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	l := openLog(t, st, s, "p1")
	l.Close()
	if _, err := appendOne(l, "late"); !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("Do after Close: got %v, want ErrClosed", err)
	}
}
