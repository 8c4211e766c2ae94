package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/witness/witnesstest"
)

// waitCosigned runs `coldset checkpoint --cosigned` until it prints a cosigned
// checkpoint of production, and returns it. Which size it is depends on how the
// appends fell between the feeder's sends.
func waitCosigned(t *testing.T, bin, dir, production string) []byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, out, errOut := runColdset(t, bin, dir, "checkpoint", "--production", production, "--cosigned")
		if code == 0 && strings.HasPrefix(out, ledger.Origin(production)+"\n") {
			return []byte(out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cosigned checkpoint: exit %d\n%s%s", code, out, errOut)
		}
	}
}

// coldset serve sends checkpoints to a real witness process; the cosigned checkpoint
// it keeps passes `coldset verify --checkpoint --witness-key` with the witness's key,
// and fails with a tampered cosignature or another witness's key.
func TestServeFeedsWitnessAndVerifyChecksCosignature(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	crew := seedSQLiteLoad(t, dir, 1)
	production := crew.Production
	vkey := strings.TrimSpace(mustColdset(t, bin, dir, "key"))
	ow := witnesstest.Start(t, witnesstest.Log{Origin: ledger.Origin(production), VKey: vkey})

	srv := startServe(t, bin, dir, "--witness", ow.URL+"="+ow.VKey)
	for i := range 3 {
		id := fmt.Sprintf("c-witnessed-%d", i)
		if err := fileConcern(http.DefaultClient, srv.addr, crew, loadgen.Actor(0), id, "strap loose on "+id); err != nil {
			t.Fatal(err)
		}
	}
	kept := waitCosigned(t, bin, dir, production)
	srv.stop(t)
	if !strings.Contains(srv.output(), "sending checkpoints to witness") {
		t.Errorf("serve did not say it sends to the witness:\n%s", srv.output())
	}
	st := openStore(t, openSQLite(filepath.Join(dir, "coldset.db")))
	size, err := st.Size(t.Context(), production)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	keptPath := filepath.Join(dir, "kept.note")
	writeFile(t, keptPath, kept)
	out := mustColdset(t, bin, dir, "verify", "--checkpoint", keptPath, "--witness-key", ow.VKey)
	if !strings.Contains(out, "cosigned by witness witness.coldset.test") ||
		!strings.Contains(out, fmt.Sprintf("production %s: ok, %d entries", production, size)) {
		t.Errorf("verify output:\n%s", out)
	}

	_, strangerKey, err := note.GenerateKey(rand.Reader, "witness.coldset.test")
	if err != nil {
		t.Fatal(err)
	}
	tampered := tamperLastSignature(t, kept)
	failures := []struct {
		name string
		note []byte
		key  string
		want string
	}{
		{"tampered cosignature", tampered, ow.VKey, "cosignature by witness witness.coldset.test"},
		{"another witness's key", kept, strangerKey, "no cosignature by witness witness.coldset.test"},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kept.note")
			writeFile(t, path, tc.note)
			code, out, errOut := runColdset(t, bin, dir, "verify", "--checkpoint", path, "--witness-key", tc.key)
			if code != 1 || !strings.Contains(out, tc.want) {
				t.Errorf("verify: exit %d, want 1 saying %q\n%s%s", code, tc.want, out, errOut)
			}
		})
	}

	t.Run("witness key without a checkpoint is a usage error", func(t *testing.T) {
		if code, _, _ := runColdset(t, bin, dir, "verify", "--witness-key", ow.VKey); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}

// tamperLastSignature flips one bit of the signature on the note's last line, keeping
// the key hash, so that the line still claims to be the witness's.
func tamperLastSignature(t *testing.T, n []byte) []byte {
	t.Helper()
	lines := bytes.Split(bytes.TrimSuffix(n, []byte("\n")), []byte("\n"))
	last := lines[len(lines)-1]
	sp := bytes.LastIndexByte(last, ' ')
	sig := []byte(string(last[sp+1:]))
	// Base64 character 20 lies past the 4-byte key hash and the 8-byte timestamp.
	if sig[20] == 'A' {
		sig[20] = 'B'
	} else {
		sig[20] = 'A'
	}
	lines[len(lines)-1] = append(append([]byte(nil), last[:sp+1]...), sig...)
	return append(bytes.Join(lines, []byte("\n")), '\n')
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
