package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// buildColdset builds the coldset binary into the test's temporary directory.
func buildColdset(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "coldset")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runColdset runs the binary in dir and returns its exit code and output.
func runColdset(t *testing.T, bin, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run coldset %v: %v", args, err)
	}
	return code, out.String(), errOut.String()
}

// mustColdset runs the binary and fails the test unless it exits 0.
func mustColdset(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := runColdset(t, bin, dir, args...)
	if code != 0 {
		t.Fatalf("coldset %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// serveProc is a running `coldset serve`.
type serveProc struct {
	cmd  *exec.Cmd
	addr string // http://host:port
	done chan struct{}
	mu   sync.Mutex
	log  bytes.Buffer
}

// startServe starts `coldset serve --addr 127.0.0.1:0 args...` in dir and waits for it
// to print its address. The process is killed when the test ends.
func startServe(t *testing.T, bin, dir string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serveProc{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if a, ok := strings.CutPrefix(line, "listening on "); ok {
				addr <- "http://" + a
			}
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.kill() })
	select {
	case s.addr = <-addr:
	case <-s.done:
		t.Fatalf("coldset serve exited before listening:\n%s", s.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("coldset serve did not start listening:\n%s", s.output())
	}
	return s
}

func (s *serveProc) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// kill ends the server with SIGKILL, as a crash would, and waits for it to exit.
func (s *serveProc) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// stop ends the server with SIGTERM and waits for a clean exit.
func (s *serveProc) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("coldset serve did not stop:\n%s", s.output())
	}
}

// execSQL changes a SQLite database file behind coldset's back.
func execSQL(t *testing.T, dbPath string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	bin := buildColdset(t)
	tests := []struct {
		name      string
		tamper    []string
		withSaved bool   // verify with the checkpoint saved before tampering
		want      string // in verify's output; "" means verify passes
	}{
		{name: "untouched log passes"},
		{
			name:   "body changed in place",
			tamper: []string{`UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '"n":7,', '"n":8,') AS BLOB) WHERE idx = 7`},
			want:   "production bench: first bad index 7:",
		},
		{
			name:   "body changed in place, whitespace only",
			tamper: []string{`UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '"n":', '"n": ') AS BLOB) WHERE idx = 11`},
			want:   "production bench: first bad index 11:",
		},
		{
			name:   "entry deleted",
			tamper: []string{`DELETE FROM entries WHERE idx = 5`},
			want:   "production bench: first bad index 5:",
		},
		{
			name:   "last entries removed",
			tamper: []string{`DELETE FROM entries WHERE idx >= 15`},
			want:   "production bench: first bad index 15:",
		},
		{
			name:   "last entries and their checkpoints removed: the store alone looks whole",
			tamper: []string{`DELETE FROM entries WHERE idx >= 15`, `DELETE FROM checkpoints WHERE size > 15`},
		},
		{
			name:      "last entries and their checkpoints removed, checked against a saved checkpoint",
			tamper:    []string{`DELETE FROM entries WHERE idx >= 15`, `DELETE FROM checkpoints WHERE size > 15`},
			withSaved: true,
			want:      "production bench: first bad index 15:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// One writer: every entry gets its own checkpoint, so verify can name it.
			mustColdset(t, bin, dir, "bench", "append", "--db", "coldset.db", "--entries", "20", "--writers", "1", "--raw=false")
			saved := filepath.Join(dir, "saved.checkpoint")
			cp := mustColdset(t, bin, dir, "checkpoint", "--db", "coldset.db", "--production", "bench")
			if err := os.WriteFile(saved, []byte(cp), 0o644); err != nil {
				t.Fatal(err)
			}
			execSQL(t, filepath.Join(dir, "coldset.db"), tt.tamper...)

			args := []string{"verify", "--db", "coldset.db"}
			if tt.withSaved {
				args = append(args, "--checkpoint", saved)
			}
			code, out, errOut := runColdset(t, bin, dir, args...)
			if tt.want == "" {
				if code != 0 {
					t.Fatalf("verify: exit %d, want 0\n%s%s", code, out, errOut)
				}
				return
			}
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Fatalf("verify: exit %d, output:\n%s%s\nwant exit 1 and %q", code, out, errOut, tt.want)
			}
		})
	}
}

// TestVerifyNamesTheEntryInABatch changes one body in the middle of a group-committed
// batch, which one checkpoint covers as a whole: verify names that very entry.
func TestVerifyNamesTheEntryInABatch(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	mustColdset(t, bin, dir, "bench", "append", "--db", "coldset.db", "--entries", "500", "--writers", "64", "--raw=false")
	dbPath := filepath.Join(dir, "coldset.db")
	from, size := largestBatch(t, dbPath)
	if size-from < 8 {
		t.Fatalf("the largest batch holds %d entries (%d..%d): 64 writers formed no batches", size-from, from, size-1)
	}
	target := from + (size-from)/2
	t.Logf("batch %d..%d, changing entry %d", from, size-1, target)
	// Still canonical: only the chain of prev hashes can tell which entry changed.
	execSQL(t, dbPath, fmt.Sprintf(`UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '"pad":"x', '"pad":"y') AS BLOB) WHERE idx = %d`, target))
	code, out, errOut := runColdset(t, bin, dir, "verify", "--db", "coldset.db")
	if want := fmt.Sprintf("production bench: first bad index %d:", target); code != 1 || !strings.Contains(out, want) {
		t.Fatalf("verify: exit %d, output:\n%s%s\nwant exit 1 and %q", code, out, errOut, want)
	}
}

// largestBatch returns the entries [from, size) of the largest batch that one
// checkpoint of production bench covers.
func largestBatch(t *testing.T, dbPath string) (from, size int) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT size FROM checkpoints WHERE production = 'bench' ORDER BY size")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev := 0
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n-prev > size-from {
			from, size = prev, n
		}
		prev = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return from, size
}
