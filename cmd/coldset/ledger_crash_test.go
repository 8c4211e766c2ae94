package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/store/storetest"
)

// acks records what the server acknowledged: index -> payload.
type acks struct {
	mu   sync.Mutex
	byIx map[uint64]string
	dups []uint64
}

func (a *acks) add(index uint64, payload string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.byIx[index]; ok {
		a.dups = append(a.dups, index)
	}
	a.byIx[index] = payload
}

func (a *acks) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.byIx)
}

// hammer appends from writers goroutines until stop is closed or the server fails,
// recording every acknowledged append. It returns when all writers have stopped.
func hammer(addr string, writers int, a *acks, stop <-chan struct{}, tag string) (errs int64) {
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
				payload := fmt.Sprintf(`{"by":"%s-%d","i":%d}`, tag, w, i)
				index, err := benchAppendHTTP(client, addr, "bench", payload)
				if err != nil {
					failed.Add(1)
					return
				}
				a.add(index, payload)
			}
		})
	}
	wg.Wait()
	return failed.Load()
}

// storedPayloads reads every entry of production bench through the server.
func storedPayloads(t *testing.T, addr string) []string {
	t.Helper()
	var out []string
	for {
		var page struct {
			Size    uint64
			Entries []struct {
				Index uint64
				Entry struct {
					Index   uint64
					Payload json.RawMessage
				}
			}
		}
		getJSON(t, fmt.Sprintf("%s/api/productions/bench/entries?from=%d", addr, len(out)), &page)
		for _, e := range page.Entries {
			if e.Index != uint64(len(out)) || e.Entry.Index != e.Index {
				t.Fatalf("entries page: got entry %d (body says %d), want %d", e.Index, e.Entry.Index, len(out))
			}
			out = append(out, string(e.Entry.Payload))
		}
		if uint64(len(out)) >= page.Size || len(page.Entries) == 0 {
			return out
		}
	}
}

// checkAcked fails the test unless every acknowledged append is stored at its index
// with its payload.
func checkAcked(t *testing.T, a *acks, stored []string) {
	t.Helper()
	if len(a.dups) > 0 {
		t.Fatalf("indexes acknowledged twice: %v", a.dups)
	}
	for index, payload := range a.byIx {
		if index >= uint64(len(stored)) {
			t.Fatalf("acknowledged entry %d is missing: the log has %d entries", index, len(stored))
		}
		if stored[index] != payload {
			t.Fatalf("entry %d: stored payload %s, acknowledged %s", index, stored[index], payload)
		}
	}
}

// testCrash kills a loaded server with SIGKILL and checks that everything it
// acknowledged survived and the log verifies, before and after a restart.
func testCrash(t *testing.T, storeArgs []string) {
	bin := buildColdset(t)
	dir := t.TempDir()
	srv := startServe(t, bin, dir, append(storeArgs, "--bench-append")...)
	a := &acks{byIx: map[uint64]string{}}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { hammer(srv.addr, 16, a, stop, "before"); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	for a.len() < 2000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	srv.kill()
	<-done
	close(stop)
	t.Logf("%d appends acknowledged before SIGKILL", a.len())
	if a.len() == 0 {
		t.Fatalf("nothing was acknowledged:\n%s", srv.output())
	}

	mustColdset(t, bin, dir, append([]string{"verify"}, storeArgs...)...)

	srv = startServe(t, bin, dir, append(storeArgs, "--bench-append")...)
	checkAcked(t, a, storedPayloads(t, srv.addr))
	// The restarted server carries on the same log.
	more := make(chan struct{})
	go func() { time.Sleep(300 * time.Millisecond); close(more) }()
	if errs := hammer(srv.addr, 16, a, more, "after"); errs > 0 {
		t.Fatalf("%d appends failed after the restart:\n%s", errs, srv.output())
	}
	checkAcked(t, a, storedPayloads(t, srv.addr))
	srv.stop(t)
	out := mustColdset(t, bin, dir, append([]string{"verify"}, storeArgs...)...)
	t.Log(out)
}

func TestCrashSafetySQLite(t *testing.T) {
	testCrash(t, []string{"--db", "coldset.db"})
}

func TestCrashSafetyPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	testCrash(t, []string{"--postgres", url, "--key", filepath.Join(t.TempDir(), "coldset.key")})
}

// TestTwoServersOnePostgres runs two server processes on one database, 32 writers
// each on one production: the log must come out whole, every index acknowledged once.
func TestTwoServersOnePostgres(t *testing.T) {
	bin := buildColdset(t)
	storeArgs := []string{"--postgres", storetest.PostgresURL(t), "--key", filepath.Join(t.TempDir(), "coldset.key")}
	srvA := startServe(t, bin, t.TempDir(), append(storeArgs, "--bench-append")...)
	srvB := startServe(t, bin, t.TempDir(), append(storeArgs, "--bench-append")...)

	a := &acks{byIx: map[uint64]string{}}
	stop := make(chan struct{})
	go func() { time.Sleep(2 * time.Second); close(stop) }()
	var errs atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() { errs.Add(hammer(srvA.addr, 32, a, stop, "a")) })
	wg.Go(func() { errs.Add(hammer(srvB.addr, 32, a, stop, "b")) })
	wg.Wait()
	if n := errs.Load(); n > 0 {
		t.Fatalf("%d appends failed\nserver a:\n%s\nserver b:\n%s", n, srvA.output(), srvB.output())
	}
	// Each server follows the other's appends through LISTEN/NOTIFY, without appending
	// itself.
	for _, srv := range []*serveProc{srvA, srvB} {
		deadline := time.Now().Add(5 * time.Second)
		stored := storedPayloads(t, srv.addr)
		for len(stored) < a.len() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			stored = storedPayloads(t, srv.addr)
		}
		t.Logf("%d appends through two servers; %s reads %d entries", a.len(), srv.addr, len(stored))
		checkAcked(t, a, stored)
		if got := len(stored); got != a.len() {
			t.Fatalf("%s: log has %d entries, %d were acknowledged", srv.addr, got, a.len())
		}
	}
	mustColdset(t, bin, t.TempDir(), append([]string{"verify"}, storeArgs...)...)
}
