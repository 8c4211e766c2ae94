// Package witnesstest runs a real, off-the-shelf witness for tests: the omniwitness
// of github.com/transparency-dev/witness, as a separate process.
package witnesstest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// OmniwitnessModule and OmniwitnessVersion name the witness the tests run. The version
// is pinned so that every run speaks to the same implementation.
const (
	OmniwitnessModule  = "github.com/transparency-dev/witness/cmd/omniwitness"
	OmniwitnessVersion = "v0.0.0-20260720115447-2e1c6971d19e"
)

// BinaryEnv names an environment variable holding the path of a prebuilt omniwitness;
// without it the binary is built (once per machine) with the go command.
const BinaryEnv = "COLDSET_TEST_OMNIWITNESS"

var buildMu sync.Mutex

// Binary returns the path of the omniwitness binary: $COLDSET_TEST_OMNIWITNESS, or
// the one built by
//
//	GOBIN=<dir> go install github.com/transparency-dev/witness/cmd/omniwitness@<OmniwitnessVersion>
//
// into the user cache directory. When it cannot be had the test is skipped, or fails
// when the environment variable CI is set.
func Binary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(BinaryEnv); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "coldset-test", "omniwitness-"+OmniwitnessVersion)
	bin := filepath.Join(dir, "omniwitness")
	buildMu.Lock()
	defer buildMu.Unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	// Install into a directory of our own, then rename: test binaries of several
	// packages may build at the same time.
	gobin, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(gobin)
	cmd := exec.Command("go", "install", OmniwitnessModule+"@"+OmniwitnessVersion)
	cmd.Dir = gobin // outside any module: the version above decides every dependency
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		unavailable(tb, "go install %s@%s: %v\n%s", OmniwitnessModule, OmniwitnessVersion, err, out)
	}
	if err := os.Rename(filepath.Join(gobin, "omniwitness"), bin); err != nil {
		tb.Fatal(err)
	}
	return bin
}

func unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("omniwitness unavailable: "+format, args...)
	}
	tb.Skipf("omniwitness unavailable (set %s to a prebuilt binary): "+format, append([]any{BinaryEnv}, args...)...)
}

// Log is a log the witness is configured to cosign.
type Log struct {
	Origin string // the checkpoints' first line
	VKey   string // the log's note verifier key
}

// Witness is a running omniwitness.
type Witness struct {
	URL  string // http://127.0.0.1:PORT
	VKey string // the witness's verifier key
	Dir  string // its key, configuration and database

	mu  sync.Mutex
	out bytes.Buffer
}

// Start runs the omniwitness with a fresh key and a database in a temporary directory,
// configured to cosign logs, and waits until it answers. It is stopped when the test
// ends.
func Start(tb testing.TB, logs ...Log) *Witness {
	tb.Helper()
	bin := Binary(tb)
	w := &Witness{Dir: tb.TempDir()}
	skey, vkey, err := note.GenerateKey(rand.Reader, "witness.coldset.test")
	if err != nil {
		tb.Fatal(err)
	}
	w.VKey = vkey
	keyFile := filepath.Join(w.Dir, "witness.key")
	logsFile := filepath.Join(w.Dir, "logs.yaml")
	var yaml strings.Builder
	yaml.WriteString("Logs:\n")
	for _, l := range logs {
		fmt.Fprintf(&yaml, "  - Origin: %q\n    PublicKey: %q\n", l.Origin, l.VKey)
	}
	for name, text := range map[string]string{keyFile: skey, logsFile: yaml.String()} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	args := []string{"--metrics_listen", "", "--private_key_path", keyFile, "--additional_logs", logsFile,
		"--db_file", filepath.Join(w.Dir, "witness.db"), "--logtostderr"}
	// The port is free when picked but may be taken before the witness listens on it;
	// the witness then exits, and another port is tried.
	for attempt := 1; ; attempt++ {
		addr := freeAddr(tb)
		err := w.launch(tb, bin, addr, args)
		if err == nil {
			w.URL = "http://" + addr
			return w
		}
		if attempt == 3 {
			tb.Fatalf("omniwitness: %v\n%s", err, w.Output())
		}
	}
}

// launch starts the witness on addr and waits until it serves there, or has exited.
func (w *Witness) launch(tb testing.TB, bin, addr string, args []string) error {
	tb.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", addr}, args...)...)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start omniwitness: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if tb.Failed() {
			tb.Logf("omniwitness output:\n%s", w.Output())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return fmt.Errorf("exited before serving on %s", addr)
		default:
		}
		// The witness logs this once it holds the listener, so a dial that succeeds
		// after it reaches the witness and not whoever took the port.
		if strings.Contains(w.Output(), "HTTP server goroutine started") {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("did not serve on %s", addr)
		}
	}
}

// Write collects the process's output.
func (w *Witness) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(p)
}

// Output returns what the witness logged so far.
func (w *Witness) Output() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.String()
}

// freeAddr returns a loopback address with a port free at the time of the call: the
// omniwitness does not report the port it was given with ":0".
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
