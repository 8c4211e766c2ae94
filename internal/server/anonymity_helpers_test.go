package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coldset/internal/demo"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/sqlite"
)

// The anonymity tests run the server the way `coldset serve` does: a real listener,
// a real SQLite file, and every log line it writes (slog and net/http's own) kept, so
// that afterwards they can look through all of it, byte by byte, for anything that
// came from the anonymous reporter.
//
// The reporter's requests come from a distinctive address: the server listens on
// 127.0.0.1, and reporters connect from 127.0.0.2 (the API client binds it; the
// browser goes through a relay that dials from it), so the server's connections
// really have that peer address, given by the kernel.

// reporterIP is the address anonymous reporters connect from.
const reporterIP = "127.0.0.2"

// Marks the reporter leaves on every request: none may be kept anywhere.
const (
	probeAgent     = "coldset-anon-probe-7f3a9c2e5b"
	probeForwarded = "198.51.100.73"
)

// anonEnv is a server on a SQLite file with its logs kept.
type anonEnv struct {
	t      *testing.T
	dir    string // the database's directory: coldset.db and its -wal and -shm
	url    string // the server, straight
	srv    *Server
	lg     *ledger.Ledger
	st     *sqlite.Store
	logs   *syncBuffer
	probed func() bool // a request reached the server carrying the probe's marks

	testClock

	peersMu sync.Mutex
	peers   map[string]bool // the remote addresses of the server's connections
}

// syncBuffer is a buffer several goroutines write logs into.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// newAnonEnv starts the server with the demo cast on dry-creek, at now.
func newAnonEnv(t *testing.T, now time.Time) *anonEnv {
	t.Helper()
	env := &anonEnv{t: t, dir: t.TempDir(), testClock: testClock{now: now}, peers: map[string]bool{}, logs: &syncBuffer{}}
	st, err := sqlite.Open(filepath.Join(env.dir, "coldset.db"))
	if err != nil {
		t.Fatal(err)
	}
	env.st = st
	signer, err := ledger.LoadOrCreateKey(filepath.Join(env.dir, "coldset.key"))
	if err != nil {
		t.Fatal(err)
	}
	env.lg = ledger.New(st, signer, production.NewFolder)
	if _, err := demo.Seed(context.Background(), env.lg, st, demo.Options{Now: now, Created: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// Everything at debug level: whatever the server would ever log, it logs here.
	logger := slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.srv = New(Config{Ledger: env.lg, Store: st, Logger: logger})
	env.srv.api.now = env.clock

	var probed sync.Map
	env.probed = func() bool { _, ok := probed.Load("yes"); return ok }
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") == probeAgent && strings.Contains(r.Header.Get("X-Forwarded-For"), probeForwarded) {
			probed.Store("yes", true)
		}
		env.srv.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{
		Handler:           handler,
		ErrorLog:          log.New(env.logs, "http: ", log.LstdFlags),
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateNew {
				env.peersMu.Lock()
				env.peers[c.RemoteAddr().String()] = true
				env.peersMu.Unlock()
			}
		},
	}
	go hs.Serve(ln)
	env.url = "http://" + ln.Addr().String()
	t.Cleanup(func() {
		hs.Close()
		env.lg.Close()
		if err := st.Close(); err != nil {
			t.Errorf("close sqlite: %v", err)
		}
	})
	return env
}

// reporterPeers returns the peer addresses ("127.0.0.2:PORT") the server saw from
// the reporter's address; it fails the test when there are none.
func (env *anonEnv) reporterPeers() []string {
	env.t.Helper()
	env.peersMu.Lock()
	defer env.peersMu.Unlock()
	var out []string
	for p := range env.peers {
		if strings.HasPrefix(p, reporterIP+":") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		env.t.Fatalf("no connection came from %s; peers %v", reporterIP, env.peers)
	}
	return out
}

// reporterDialer dials from the reporter's address.
func reporterDialer() *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(reporterIP)}, Timeout: 10 * time.Second}
}

// relay listens on 127.0.0.1 and passes every connection on to the server, dialling
// from the reporter's address: a browser that opens the relay's address reaches the
// server as 127.0.0.2. It returns the relay's base URL.
func (env *anonEnv) relay() string {
	env.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		env.t.Fatal(err)
	}
	env.t.Cleanup(func() { ln.Close() })
	server := strings.TrimPrefix(env.url, "http://")
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer in.Close()
				out, err := reporterDialer().Dial("tcp", server)
				if err != nil {
					return
				}
				defer out.Close()
				go func() { io.Copy(out, in); out.(*net.TCPConn).CloseWrite() }()
				io.Copy(in, out)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// stored is everything the server kept: the database file with its write-ahead log
// and shared memory, the logs, and every ledger entry's body.
func (env *anonEnv) stored() map[string][]byte {
	env.t.Helper()
	out := map[string][]byte{"the logs": env.logs.Bytes()}
	files, err := filepath.Glob(filepath.Join(env.dir, "coldset.db*"))
	if err != nil || len(files) == 0 {
		env.t.Fatalf("no database files in %s: %v", env.dir, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			env.t.Fatal(err)
		}
		out["the file "+filepath.Base(f)] = b
	}
	var ledgerBytes []byte
	for _, e := range env.entries(demo.Production) {
		ledgerBytes = append(ledgerBytes, e.Body...)
		ledgerBytes = append(ledgerBytes, '\n')
	}
	out["the ledger"] = ledgerBytes
	return out
}

// entries returns every stored entry of the production.
func (env *anonEnv) entries(prod string) []struct {
	Entry ledger.Entry
	Body  []byte
} {
	env.t.Helper()
	ctx := context.Background()
	size, err := env.st.Size(ctx, prod)
	if err != nil {
		env.t.Fatal(err)
	}
	rows, err := env.st.Entries(ctx, prod, 0, size)
	if err != nil {
		env.t.Fatal(err)
	}
	var out []struct {
		Entry ledger.Entry
		Body  []byte
	}
	for _, row := range rows {
		e, err := ledger.DecodeEntry(row.Body)
		if err != nil {
			env.t.Fatal(err)
		}
		out = append(out, struct {
			Entry ledger.Entry
			Body  []byte
		}{e, row.Body})
	}
	return out
}

// nowhere fails the test for every secret found in anything the server kept
// (compared without regard to case), and checks that found is found in the database
// and the ledger, so that the search is known to look where the records are.
func (env *anonEnv) nowhere(found string, secrets ...string) {
	env.t.Helper()
	kept := env.stored()
	for _, where := range []string{"the ledger"} {
		if !bytes.Contains(kept[where], []byte(found)) {
			env.t.Fatalf("%s does not hold %q: the search looks in the wrong place", where, found)
		}
	}
	var db []byte
	for where, b := range kept {
		if strings.HasPrefix(where, "the file") {
			db = append(db, b...)
		}
	}
	if !bytes.Contains(db, []byte(found)) {
		env.t.Fatalf("the database files do not hold %q: the search looks in the wrong place", found)
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for where, b := range kept {
			if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(s))) {
				env.t.Errorf("%s holds %q, which came from the anonymous reporter", where, s)
			}
		}
	}
}

// anonymousEntries checks the entries about concern id: the filing and every answer
// and reopening by its reporter carry no actor.
func (env *anonEnv) anonymousEntries(id string) {
	env.t.Helper()
	n := 0
	for _, e := range env.entries(demo.Production) {
		var p struct{ ID, Concern string }
		json.Unmarshal(e.Entry.Payload, &p) // a payload of another shape names neither
		if p.ID != id && p.Concern != id {
			continue
		}
		byReporter := e.Entry.Type == "concern.file" || e.Entry.Type == "concern.reopen" ||
			e.Entry.Type == "concern.reply" && bytes.Contains(e.Entry.Payload, []byte(`"from":"reporter"`))
		if byReporter {
			n++
			if e.Entry.Actor != "" {
				env.t.Errorf("%s of %s names actor %q", e.Entry.Type, id, e.Entry.Actor)
			}
		}
	}
	if n == 0 {
		env.t.Errorf("no entry files concern %s", id)
	}
}

// bury records more than 5,000 entries on dry-creek, refused acknowledgements by kim
// from several goroutines at once, so that what was recorded before (what) lies
// beyond every window a page reads.
func (env *anonEnv) bury(what string) {
	env.t.Helper()
	p, err := env.srv.production(context.Background(), "dry-creek")
	if err != nil {
		env.t.Fatal(err)
	}
	before := p.Log().Size()
	const workers, each = 16, 340
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each { // a refusal is one entry, and cheap to decide
				if _, err := p.Do(context.Background(), rules.Actor{Person: "kim"}, rules.Command{Do: rules.ConcernAck, With: json.RawMessage(`{"concern":"nowhere"}`)}, env.clock()); err != nil {
					env.t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if added := p.Log().Size() - before; added < 5_000 {
		env.t.Fatalf("%d entries added after %s, want more than 5,000", added, what)
	}
}
