package ledger_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store"
)

// filledLog appends n entries one Do at a time, so every entry has its own checkpoint.
func filledLog(t *testing.T, n int) (*faultStore, *ledger.Signer) {
	t.Helper()
	st, s := openStore(t), testSigner(t)
	l := openLog(t, st, s, "p1")
	for i := 0; i < n; i++ {
		if _, err := appendOne(l, "note"); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	return st, s
}

// editBody rewrites the stored body of entry index of p1 in place.
func editBody(t testing.TB, st *faultStore, index uint64, edit func([]byte) []byte) {
	t.Helper()
	if n := st.exec(t, "UPDATE entries SET body = ? WHERE production = 'p1' AND idx = ?", edit(st.body(t, "p1", index)), index); n != 1 {
		t.Fatalf("edit entry %d: %d rows changed", index, n)
	}
}

// replace returns an edit that replaces the first old with new.
func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

// wantMismatch verifies p1 and fails unless it names index as the first bad one.
func wantMismatch(t *testing.T, st store.Store, s *ledger.Signer, saved []byte, index uint64) *ledger.Mismatch {
	t.Helper()
	_, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", saved)
	var m *ledger.Mismatch
	if !errors.As(err, &m) {
		t.Fatalf("verify: got %v, want a mismatch", err)
	}
	if !m.HasIndex || m.Index != index {
		t.Fatalf("verify: got %v, want first bad index %d", m, index)
	}
	return m
}

func TestVerifyNamesFirstBadIndex(t *testing.T) {
	tests := []struct {
		name      string
		tamper    func(t *testing.T, st *faultStore)
		wantIndex uint64
	}{
		{"body changed in place, still canonical", func(t *testing.T, st *faultStore) {
			editBody(t, st, 4, replace(`"note"`, `"nope"`))
		}, 4},
		{"body changed in place, no longer canonical", func(t *testing.T, st *faultStore) {
			editBody(t, st, 6, replace(`{"n":1}`, `{"n": 2}`))
		}, 6},
		{"entry deleted", func(t *testing.T, st *faultStore) {
			st.exec(t, "DELETE FROM entries WHERE idx = 3")
		}, 3},
		{"entry deleted and the rest renumbered", func(t *testing.T, st *faultStore) {
			st.exec(t, "DELETE FROM entries WHERE idx = 5")
			st.exec(t, "UPDATE entries SET idx = -idx WHERE idx > 5")
			st.exec(t, "UPDATE entries SET idx = -idx - 1 WHERE idx < 0")
		}, 5},
		{"last entries removed", func(t *testing.T, st *faultStore) {
			st.exec(t, "DELETE FROM entries WHERE idx >= 7")
		}, 7},
		{"body moved to another production", func(t *testing.T, st *faultStore) {
			editBody(t, st, 2, replace(`"p1"`, `"p2"`))
		}, 2},
		{"entry added past the checkpoint", func(t *testing.T, st *faultStore) {
			st.exec(t, "INSERT INTO entries (production, idx, body) SELECT production, 10, body FROM entries WHERE production = 'p1' AND idx = 9")
		}, 10},
		{"entry added far past the checkpoint", func(t *testing.T, st *faultStore) {
			// The size the store reports is then about 2^40: verification must not make
			// room for that many leaves.
			st.exec(t, "INSERT INTO entries (production, idx, body) SELECT production, 1 << 40, body FROM entries WHERE production = 'p1' AND idx = 9")
		}, 10},
		{"prev of an entry changed", func(t *testing.T, st *faultStore) {
			// Entry 7's checkpoint proves it unchanged, so the changed link is 8's.
			editBody(t, st, 8, func(b []byte) []byte {
				prev := base64.StdEncoding.EncodeToString(ledger.LeafHash(st.body(t, "p1", 7)))
				return bytes.Replace(b, []byte(prev), []byte(base64.StdEncoding.EncodeToString(ledger.LeafHash(nil))), 1)
			})
		}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, s := filledLog(t, 10)
			wantVerified(t, st, s, "p1", 10)
			tt.tamper(t, st)
			wantMismatch(t, st, s, nil, tt.wantIndex)
		})
	}
}

// TestVerifyNamesTheEntryInsideABatch edits entries of a log whose checkpoints each
// cover a whole batch: entries 0..9, then 10..509 in one Do, then 510..514 in one Do.
func TestVerifyNamesTheEntryInsideABatch(t *testing.T) {
	tests := []struct {
		name      string
		tamper    func(t *testing.T, st *faultStore)
		wantIndex uint64
	}{
		{"middle of the batch", func(t *testing.T, st *faultStore) {
			editBody(t, st, 260, replace(`"note"`, `"nope"`))
		}, 260},
		{"first of the batch", func(t *testing.T, st *faultStore) {
			editBody(t, st, 10, replace(`"note"`, `"nope"`))
		}, 10},
		{"last of the batch: the next batch records it", func(t *testing.T, st *faultStore) {
			editBody(t, st, 509, replace(`"note"`, `"nope"`))
		}, 509},
		{"time changed, still canonical", func(t *testing.T, st *faultStore) {
			editBody(t, st, 123, replace(`"time":"2023-11-14T22:13:20Z"`, `"time":"2023-11-14T22:14:20Z"`))
		}, 123},
		{"two entries changed: the first is named", func(t *testing.T, st *faultStore) {
			editBody(t, st, 300, replace(`"note"`, `"nope"`))
			editBody(t, st, 200, replace(`"note"`, `"nope"`))
		}, 200},
		{"last entry of the log: only its batch can be named", func(t *testing.T, st *faultStore) {
			editBody(t, st, 514, replace(`"note"`, `"nope"`))
		}, 510},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, s := openStore(t), testSigner(t)
			l := openLog(t, st, s, "p1")
			for _, n := range []int{10, 500, 5} {
				if _, err := l.Do(context.Background(), func(ledger.Folder, uint64) ([]ledger.Entry, error) {
					es := make([]ledger.Entry, n)
					for i := range es {
						es[i] = ledger.Entry{Time: time.Unix(1700000000, 0), Type: "note", Payload: []byte(`{"n":1}`)}
					}
					return es, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			l.Close()
			if got := st.appended(); got != 3 {
				t.Fatalf("%d store appends, want 3", got)
			}
			wantVerified(t, st, s, "p1", 515)
			tt.tamper(t, st)
			wantMismatch(t, st, s, nil, tt.wantIndex)
		})
	}
}

// TestVerifyWantsTheChain checks a log written, and signed, without prev hashes: its
// checkpoints match, but the Log never writes entries like these.
func TestVerifyWantsTheChain(t *testing.T) {
	st, s := openStore(t), testSigner(t)
	tree := ledger.NewTree()
	var bodies [][]byte
	for i := range uint64(3) {
		b, err := ledger.Entry{Production: "p1", Index: i, Type: "note"}.Encode()
		if err != nil {
			t.Fatal(err)
		}
		tree.Append(b)
		bodies = append(bodies, b)
	}
	cp, err := s.SignCheckpoint("p1", tree.Size(), tree.Root())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Append(context.Background(), "p1", 0, bodies, cp); err != nil {
		t.Fatal(err)
	}
	m := wantMismatch(t, st, s, nil, 1)
	if !strings.Contains(m.Reason, "does not chain") {
		t.Errorf("reason %q, want it to say the entry does not chain", m.Reason)
	}
}

func TestVerifySavedCheckpoint(t *testing.T) {
	st, s := filledLog(t, 10)
	saved, _ := st.Checkpoint(context.Background(), "p1")
	if _, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", saved); err != nil {
		t.Fatalf("verify against the current checkpoint: %v", err)
	}
	// Entries 8 and 9 and their checkpoints removed: the store alone looks whole.
	st.exec(t, "DELETE FROM entries WHERE idx >= 8")
	st.exec(t, "DELETE FROM checkpoints WHERE size > 8")
	if _, err := ledger.Verify(context.Background(), st, s.Verifier(), "p1", nil); err != nil {
		t.Fatalf("verify without the saved checkpoint: %v", err)
	}
	wantMismatch(t, st, s, saved, 8)
}

func TestVerifyRejectsForeignSignatures(t *testing.T) {
	st, s := filledLog(t, 3)
	other := testSigner(t)
	_, err := ledger.Verify(context.Background(), st, other.Verifier(), "p1", nil)
	var m *ledger.Mismatch
	if !errors.As(err, &m) || m.HasIndex {
		t.Fatalf("verify with another key: got %v, want a checkpoint mismatch", err)
	}
	_ = s
}

func TestEncodeIsCanonicalAfterDecode(t *testing.T) {
	e := ledger.Entry{Production: "p", Index: 3, Type: "t", Actor: "ana", Payload: []byte(`{ "a" : "<b>&é\u2028", "n": [1, 2.50] }`)}
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := ledger.DecodeEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatalf("re-encoding changed the body:\n%s\n%s", b, again)
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "coldset.key")
	a, err := ledger.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode %o, want 600", got)
	}
	b, err := ledger.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.VerifierKey() != b.VerifierKey() {
		t.Errorf("second load gave another key: %s vs %s", a.VerifierKey(), b.VerifierKey())
	}
	if got, want := ledger.KeyPathFor("/data/coldset.db"), "/data/coldset.key"; got != want {
		t.Errorf("KeyPathFor: got %s, want %s", got, want)
	}
}
