package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/loadgen"
	"coldset/internal/loadmix"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// acks records the concerns the server acknowledged: concern id -> its text. Each
// filing names a concern of its own, so each acknowledgement is one entry the log
// must hold, exactly once.
type acks struct {
	mu   sync.Mutex
	byID map[string]string
	dups []string
}

func (a *acks) add(id, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.byID[id]; ok {
		a.dups = append(a.dups, id)
	}
	a.byID[id] = text
}

func (a *acks) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.byID)
}

// hammer files concerns through the actions API from writers goroutines, each as
// one of the crew's actors, until stop is closed or the server fails, recording
// every acknowledged filing. It returns when all writers have stopped.
func hammer(addr string, crew loadmix.Crew, writers int, a *acks, stop <-chan struct{}, tag string) (errs int64) {
	var failed atomic.Int64
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("c-%s-%d-%d", tag, w, i)
				text := fmt.Sprintf("filed by writer %s-%d, number %d", tag, w, i)
				if err := fileConcern(client, addr, crew, loadgen.Actor(w%crew.Lanes), id, text); err != nil {
					failed.Add(1)
					return
				}
				a.add(id, text)
			}
		})
	}
	wg.Wait()
	return failed.Load()
}

// storedConcerns reads every entry of the crew's production through the server, as
// its producer, and returns the concern.file entries: concern id -> the text of each
// entry that filed it.
func storedConcerns(t *testing.T, addr string, crew loadmix.Crew) (filed map[string][]string, size uint64) {
	t.Helper()
	filed = map[string][]string{}
	for {
		var page struct {
			Size    uint64
			Entries []struct {
				Index uint64
				Entry struct {
					Index   uint64
					Type    string
					Payload struct{ ID, Text string }
				}
			}
		}
		getJSON(t, fmt.Sprintf("%s/api/productions/%s/entries?from=%d", addr, crew.Production, size), crew.Tokens[loadgen.Producer], &page)
		for _, e := range page.Entries {
			if e.Index != size || e.Entry.Index != e.Index {
				t.Fatalf("entries page: got entry %d (body says %d), want %d", e.Index, e.Entry.Index, size)
			}
			if e.Entry.Type == "concern.file" {
				filed[e.Entry.Payload.ID] = append(filed[e.Entry.Payload.ID], e.Entry.Payload.Text)
			}
			size++
		}
		if size >= page.Size || len(page.Entries) == 0 {
			return filed, size
		}
	}
}

// checkAcked fails the test unless every acknowledged concern is stored once with
// its text, and no concern is stored twice.
func checkAcked(t *testing.T, a *acks, filed map[string][]string) {
	t.Helper()
	if len(a.dups) > 0 {
		t.Fatalf("concerns acknowledged twice: %v", a.dups)
	}
	for id, texts := range filed {
		if len(texts) > 1 {
			t.Fatalf("concern %s is stored %d times", id, len(texts))
		}
	}
	for id, text := range a.byID {
		texts := filed[id]
		if len(texts) == 0 {
			t.Fatalf("acknowledged concern %s is missing: the log holds %d filings", id, len(filed))
		}
		if texts[0] != text {
			t.Fatalf("concern %s: stored text %q, acknowledged %q", id, texts[0], text)
		}
	}
}

// testCrash kills a loaded server with SIGKILL and checks that everything it
// acknowledged survived and the log verifies, before and after a restart.
func testCrash(t *testing.T, crew loadmix.Crew, dir string, storeArgs []string) {
	bin := buildColdset(t)
	srv := startServe(t, bin, dir, storeArgs...)
	a := &acks{byID: map[string]string{}}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { hammer(srv.addr, crew, 16, a, stop, "before"); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	for a.len() < 2000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	srv.kill()
	<-done
	close(stop)
	t.Logf("%d filings acknowledged before SIGKILL", a.len())
	if a.len() == 0 {
		t.Fatalf("nothing was acknowledged:\n%s", srv.output())
	}

	mustColdset(t, bin, dir, append([]string{"verify"}, storeArgs...)...)

	srv = startServe(t, bin, dir, storeArgs...)
	filed, _ := storedConcerns(t, srv.addr, crew)
	checkAcked(t, a, filed)
	// The restarted server carries on the same log.
	more := make(chan struct{})
	go func() { time.Sleep(300 * time.Millisecond); close(more) }()
	if errs := hammer(srv.addr, crew, 16, a, more, "after"); errs > 0 {
		t.Fatalf("%d filings failed after the restart:\n%s", errs, srv.output())
	}
	filed, _ = storedConcerns(t, srv.addr, crew)
	checkAcked(t, a, filed)
	srv.stop(t)
	out := mustColdset(t, bin, dir, append([]string{"verify"}, storeArgs...)...)
	t.Log(out)
}

func TestCrashSafetySQLite(t *testing.T) {
	dir := t.TempDir()
	crew := seedSQLiteLoad(t, dir, 16)
	testCrash(t, crew, dir, []string{"--db", "coldset.db"})
}

func TestCrashSafetyPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	key := filepath.Join(t.TempDir(), "coldset.key")
	crew := seedLoad(t, openStore(t, openPostgres(url)), key, 16)
	testCrash(t, crew, t.TempDir(), []string{"--postgres", url, "--key", key})
}

// TestTwoServersOnePostgres runs two server processes on one database, 32 writers
// each on one production: the log must come out whole, every filing acknowledged
// stored once.
func TestTwoServersOnePostgres(t *testing.T) {
	bin := buildColdset(t)
	url := storetest.PostgresURL(t)
	key := filepath.Join(t.TempDir(), "coldset.key")
	crew := seedLoad(t, openStore(t, openPostgres(url)), key, 32)
	storeArgs := []string{"--postgres", url, "--key", key}
	srvA := startServe(t, bin, t.TempDir(), storeArgs...)
	srvB := startServe(t, bin, t.TempDir(), storeArgs...)

	a := &acks{byID: map[string]string{}}
	stop := make(chan struct{})
	go func() { time.Sleep(2 * time.Second); close(stop) }()
	var errs atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() { errs.Add(hammer(srvA.addr, crew, 32, a, stop, "a")) })
	wg.Go(func() { errs.Add(hammer(srvB.addr, crew, 32, a, stop, "b")) })
	wg.Wait()
	if n := errs.Load(); n > 0 {
		t.Fatalf("%d filings failed\nserver a:\n%s\nserver b:\n%s", n, srvA.output(), srvB.output())
	}
	// Each server follows the other's appends through LISTEN/NOTIFY, without appending
	// itself.
	for _, srv := range []*serveProc{srvA, srvB} {
		deadline := time.Now().Add(5 * time.Second)
		filed, size := storedConcerns(t, srv.addr, crew)
		for len(filed) < a.len() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			filed, size = storedConcerns(t, srv.addr, crew)
		}
		t.Logf("%d filings through two servers; %s reads %d of them in %d entries", a.len(), srv.addr, len(filed), size)
		checkAcked(t, a, filed)
		if got := len(filed); got != a.len() {
			t.Fatalf("%s: log has %d filings, %d were acknowledged", srv.addr, got, a.len())
		}
	}
	mustColdset(t, bin, t.TempDir(), append([]string{"verify"}, storeArgs...)...)
}

// openStore opens a store with open, failing the test if it cannot.
func openStore(t *testing.T, open func() (store.Backend, error)) store.Backend {
	t.Helper()
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	return st
}
