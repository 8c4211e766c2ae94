package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// httpGet fetches url and fails the test unless it answers 200.
func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	return b
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal(httpGet(t, url), v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// benchAppend appends one synthetic entry through the server and returns its index.
func benchAppendHTTP(client *http.Client, addr, production, payload string) (uint64, error) {
	body := fmt.Sprintf(`{"production":%q,"payload":%s}`, production, payload)
	resp, err := client.Post(addr+"/api/bench/append", "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("bench append: %s: %s", resp.Status, b)
	}
	var out struct{ Index uint64 }
	if err := json.Unmarshal(b, &out); err != nil {
		return 0, fmt.Errorf("bench append: %w", err)
	}
	return out.Index, nil
}

// appendN appends n entries from 8 concurrent clients.
func appendN(t *testing.T, addr string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if _, err := benchAppendHTTP(http.DefaultClient, addr, "bench", fmt.Sprintf(`{"i":%d}`, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestProofsVerifyWithUpstreamLibraries checks coldset's HTTP output with nothing but
// note, log.ParseCheckpoint, the rfc6962 hasher and the proof package.
func TestProofsVerifyWithUpstreamLibraries(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	srv := startServe(t, bin, dir, "--bench-append")
	vkey := strings.TrimSpace(mustColdset(t, bin, dir, "key"))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	openCheckpoint := func() *log.Checkpoint {
		t.Helper()
		signed := httpGet(t, srv.addr+"/api/productions/bench/checkpoint")
		cp, _, _, err := log.ParseCheckpoint(signed, "coldset/bench", verifier)
		if err != nil {
			t.Fatalf("parse checkpoint: %v\n%s", err, signed)
		}
		return cp
	}

	appendN(t, srv.addr, 21)
	old := openCheckpoint()
	if old.Size != 21 {
		t.Fatalf("checkpoint size %d, want 21", old.Size)
	}
	appendN(t, srv.addr, 40)
	cp := openCheckpoint()
	if cp.Size != 61 {
		t.Fatalf("checkpoint size %d, want 61", cp.Size)
	}

	var page struct {
		Entries []struct {
			Index uint64
			Body  []byte
		}
	}
	getJSON(t, fmt.Sprintf("%s/api/productions/bench/entries?from=0&to=%d", srv.addr, cp.Size), &page)
	if len(page.Entries) != int(cp.Size) {
		t.Fatalf("got %d entries, want %d", len(page.Entries), cp.Size)
	}
	h := rfc6962.DefaultHasher
	for _, e := range page.Entries {
		var p struct{ Proof [][]byte }
		getJSON(t, fmt.Sprintf("%s/api/productions/bench/proof/inclusion?index=%d&size=%d", srv.addr, e.Index, cp.Size), &p)
		if err := proof.VerifyInclusion(h, e.Index, cp.Size, h.HashLeaf(e.Body), p.Proof, cp.Hash); err != nil {
			t.Errorf("entry %d: inclusion proof: %v", e.Index, err)
		}
		if e.Index < old.Size {
			getJSON(t, fmt.Sprintf("%s/api/productions/bench/proof/inclusion?index=%d&size=%d", srv.addr, e.Index, old.Size), &p)
			if err := proof.VerifyInclusion(h, e.Index, old.Size, h.HashLeaf(e.Body), p.Proof, old.Hash); err != nil {
				t.Errorf("entry %d in the old checkpoint: inclusion proof: %v", e.Index, err)
			}
		}
	}

	var c struct{ Proof [][]byte }
	getJSON(t, fmt.Sprintf("%s/api/productions/bench/proof/consistency?from=%d&to=%d", srv.addr, old.Size, cp.Size), &c)
	if err := proof.VerifyConsistency(h, old.Size, cp.Size, c.Proof, old.Hash, cp.Hash); err != nil {
		t.Fatalf("consistency proof %d..%d: %v", old.Size, cp.Size, err)
	}
	// A proof against a root the log never had must fail.
	if err := proof.VerifyConsistency(h, old.Size, cp.Size, c.Proof, bytes.Repeat([]byte{1}, 32), cp.Hash); err == nil {
		t.Fatal("consistency proof verified against a wrong old root")
	}
}
