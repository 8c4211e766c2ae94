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

	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/loadmix"
)

// httpGet fetches url with the API token, if any, and fails the test unless it
// answers 200.
func httpGet(t *testing.T, url, token string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
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

func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	if err := json.Unmarshal(httpGet(t, url, token), v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// fileConcern files concern id with text through the actions API as person of
// crew's production, and returns once the server has acknowledged it.
func fileConcern(client *http.Client, addr string, crew loadmix.Crew, person, id, text string) error {
	body, err := json.Marshal(map[string]any{"do": "concern.file", "with": map[string]string{
		"id": id, "category": "equipment", "severity": "low", "text": text}})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, addr+"/api/productions/"+crew.Production+"/actions", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+crew.Tokens[person])
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("file concern %s: %s: %s", id, resp.Status, b)
	}
	return nil
}

// fileN files n concerns from 8 concurrent clients, as the crew's actors.
func fileN(t *testing.T, addr string, crew loadmix.Crew, n int, tag string) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				id := fmt.Sprintf("c-%s-%d", tag, i)
				if err := fileConcern(http.DefaultClient, addr, crew, loadgen.Actor(w%crew.Lanes), id, "strap loose on "+id); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestProofsVerifyWithUpstreamLibraries checks coldset's HTTP output with nothing but
// note, log.ParseCheckpoint, the rfc6962 hasher and the proof package, on a
// production's log grown through the actions API.
func TestProofsVerifyWithUpstreamLibraries(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	crew := seedSQLiteLoad(t, dir, 4)
	producer := crew.Tokens[loadgen.Producer]
	srv := startServe(t, bin, dir, "--db", "coldset.db")
	vkey := strings.TrimSpace(mustColdset(t, bin, dir, "key"))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.addr + "/api/productions/" + crew.Production
	openCheckpoint := func() *log.Checkpoint {
		t.Helper()
		signed := httpGet(t, base+"/checkpoint", producer)
		cp, _, _, err := log.ParseCheckpoint(signed, ledger.Origin(crew.Production), verifier)
		if err != nil {
			t.Fatalf("parse checkpoint: %v\n%s", err, signed)
		}
		return cp
	}

	seeded := openCheckpoint().Size
	fileN(t, srv.addr, crew, 21, "old")
	old := openCheckpoint()
	if old.Size < seeded+21 {
		t.Fatalf("checkpoint size %d, want at least %d", old.Size, seeded+21)
	}
	fileN(t, srv.addr, crew, 40, "new")
	cp := openCheckpoint()
	if cp.Size < old.Size+40 {
		t.Fatalf("checkpoint size %d, want at least %d", cp.Size, old.Size+40)
	}

	var page struct {
		Entries []struct {
			Index uint64
			Body  []byte
		}
	}
	getJSON(t, fmt.Sprintf("%s/entries?from=0&to=%d", base, cp.Size), producer, &page)
	if len(page.Entries) != int(cp.Size) {
		t.Fatalf("got %d entries, want %d", len(page.Entries), cp.Size)
	}
	// Each filing is one concern.file entry and what it starts (its escalation).
	filed := func(from, to uint64) int {
		n := 0
		for _, e := range page.Entries[from:to] {
			var entry struct{ Type string }
			if err := json.Unmarshal(e.Body, &entry); err != nil {
				t.Fatalf("entry %d: %v", e.Index, err)
			}
			if entry.Type == "concern.file" {
				n++
			}
		}
		return n
	}
	if got := filed(seeded, old.Size); got != 21 {
		t.Fatalf("the old checkpoint covers %d filings, want 21", got)
	}
	if got := filed(old.Size, cp.Size); got != 40 {
		t.Fatalf("the new checkpoint adds %d filings, want 40", got)
	}
	h := rfc6962.DefaultHasher
	for _, e := range page.Entries {
		var p struct{ Proof [][]byte }
		getJSON(t, fmt.Sprintf("%s/proof/inclusion?index=%d&size=%d", base, e.Index, cp.Size), producer, &p)
		if err := proof.VerifyInclusion(h, e.Index, cp.Size, h.HashLeaf(e.Body), p.Proof, cp.Hash); err != nil {
			t.Errorf("entry %d: inclusion proof: %v", e.Index, err)
		}
		if e.Index < old.Size {
			getJSON(t, fmt.Sprintf("%s/proof/inclusion?index=%d&size=%d", base, e.Index, old.Size), producer, &p)
			if err := proof.VerifyInclusion(h, e.Index, old.Size, h.HashLeaf(e.Body), p.Proof, old.Hash); err != nil {
				t.Errorf("entry %d in the old checkpoint: inclusion proof: %v", e.Index, err)
			}
		}
	}

	var c struct{ Proof [][]byte }
	getJSON(t, fmt.Sprintf("%s/proof/consistency?from=%d&to=%d", base, old.Size, cp.Size), producer, &c)
	if err := proof.VerifyConsistency(h, old.Size, cp.Size, c.Proof, old.Hash, cp.Hash); err != nil {
		t.Fatalf("consistency proof %d..%d: %v", old.Size, cp.Size, err)
	}
	// A proof against a root the log never had must fail.
	if err := proof.VerifyConsistency(h, old.Size, cp.Size, c.Proof, bytes.Repeat([]byte{1}, 32), cp.Hash); err == nil {
		t.Fatal("consistency proof verified against a wrong old root")
	}
}
