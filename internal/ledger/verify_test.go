package ledger

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// filledLog appends n entries one Do at a time, so every entry has its own checkpoint.
func filledLog(t *testing.T, n int) (*memStore, *Signer) {
	t.Helper()
	st, s := newMemStore(), testSigner(t)
	l := openLog(t, st, s, "p1")
	for i := 0; i < n; i++ {
		if _, err := appendOne(l, "note"); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	return st, s
}

func TestVerifyNamesFirstBadIndex(t *testing.T) {
	tests := []struct {
		name      string
		tamper    func(logs, cps map[string][][]byte)
		wantIndex uint64
	}{
		{"body changed in place, still canonical", func(logs, _ map[string][][]byte) {
			logs["p1"][4] = bytes.Replace(logs["p1"][4], []byte(`"note"`), []byte(`"nope"`), 1)
		}, 4},
		{"body changed in place, no longer canonical", func(logs, _ map[string][][]byte) {
			logs["p1"][6] = bytes.Replace(logs["p1"][6], []byte(`{"n":1}`), []byte(`{"n": 2}`), 1)
		}, 6},
		{"entry deleted", func(logs, _ map[string][][]byte) { logs["p1"][3] = nil }, 3},
		{"entry deleted and the rest renumbered", func(logs, _ map[string][][]byte) {
			logs["p1"] = append(logs["p1"][:5:5], logs["p1"][6:]...)
		}, 5},
		{"last entries removed", func(logs, _ map[string][][]byte) { logs["p1"] = logs["p1"][:7] }, 7},
		{"body moved to another production", func(logs, _ map[string][][]byte) {
			logs["p1"][2] = bytes.Replace(logs["p1"][2], []byte(`"p1"`), []byte(`"p2"`), 1)
		}, 2},
		{"entry added past the checkpoint", func(logs, _ map[string][][]byte) {
			logs["p1"] = append(logs["p1"], logs["p1"][9])
		}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, s := filledLog(t, 10)
			wantVerified(t, st, s, "p1", 10)
			st.edit(tt.tamper)
			_, err := Verify(context.Background(), st, s.Verifier(), "p1", nil)
			var m *Mismatch
			if !errors.As(err, &m) {
				t.Fatalf("verify: got %v, want a mismatch", err)
			}
			if !m.HasIndex || m.Index != tt.wantIndex {
				t.Fatalf("verify: got %v, want first bad index %d", m, tt.wantIndex)
			}
		})
	}
}

func TestVerifySavedCheckpoint(t *testing.T) {
	st, s := filledLog(t, 10)
	saved, _ := st.Checkpoint(context.Background(), "p1")
	if _, err := Verify(context.Background(), st, s.Verifier(), "p1", saved); err != nil {
		t.Fatalf("verify against the current checkpoint: %v", err)
	}
	// Entries 8 and 9 and their checkpoints removed: the store alone looks whole.
	st.edit(func(logs, cps map[string][][]byte) {
		logs["p1"] = logs["p1"][:8]
		cps["p1"] = cps["p1"][:8]
	})
	if _, err := Verify(context.Background(), st, s.Verifier(), "p1", nil); err != nil {
		t.Fatalf("verify without the saved checkpoint: %v", err)
	}
	_, err := Verify(context.Background(), st, s.Verifier(), "p1", saved)
	var m *Mismatch
	if !errors.As(err, &m) || !m.HasIndex || m.Index != 8 {
		t.Fatalf("verify against the saved checkpoint: got %v, want first bad index 8", err)
	}
}

func TestVerifyRejectsForeignSignatures(t *testing.T) {
	st, s := filledLog(t, 3)
	other := testSigner(t)
	_, err := Verify(context.Background(), st, other.Verifier(), "p1", nil)
	var m *Mismatch
	if !errors.As(err, &m) || m.HasIndex {
		t.Fatalf("verify with another key: got %v, want a checkpoint mismatch", err)
	}
	_ = s
}

func TestEncodeIsCanonicalAfterDecode(t *testing.T) {
	e := Entry{Production: "p", Index: 3, Type: "t", Actor: "ana", Payload: []byte(`{ "a" : "<b>&é\u2028", "n": [1, 2.50] }`)}
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeEntry(b)
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
	a, err := LoadOrCreateKey(path)
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
	b, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.VerifierKey() != b.VerifierKey() {
		t.Errorf("second load gave another key: %s vs %s", a.VerifierKey(), b.VerifierKey())
	}
	if got, want := KeyPathFor("/data/coldset.db"), "/data/coldset.key"; got != want {
		t.Errorf("KeyPathFor: got %s, want %s", got, want)
	}
}
