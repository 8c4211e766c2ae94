package notify_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coldset/internal/notify"
)

// received is one message as a receiver got it, by e-mail or by webhook.
type received struct {
	To       string // e-mail address, or the webhook's path
	Delivery string // X-Coldset-Delivery
	Subject  string
	Text     string
	Concern  string // for an escalation
	Level    int
	Details  map[string]any // webhook only
}

var escalationSubject = regexp.MustCompile(`CONCERN (\S+) \(.*\) at escalation level (\d)`)

func (r *received) parseSubject() {
	if m := escalationSubject.FindStringSubmatch(r.Subject); m != nil {
		r.Concern = m[1]
		r.Level, _ = strconv.Atoi(m[2])
	}
}

// smtpSink is a real SMTP server in a child process (Debian's python3-aiosmtpd),
// writing each message it accepts into a Maildir.
type smtpSink struct {
	Addr string
	dir  string
}

// startSMTP starts the mail server, stopped when the test ends. Without aiosmtpd the
// test is skipped, or fails when the environment variable CI is set.
func startSMTP(t *testing.T) *smtpSink {
	t.Helper()
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import aiosmtpd").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no aiosmtpd (apt-get install python3-aiosmtpd): %v", err)
		}
		t.Skipf("no aiosmtpd (apt-get install python3-aiosmtpd): %v", err)
	}
	s := &smtpSink{Addr: freeAddr(t), dir: filepath.Join(t.TempDir(), "maildir")}
	cmd := exec.Command(python, "-m", "aiosmtpd", "-n", "-l", s.Addr, "-c", "aiosmtpd.handlers.Mailbox", s.dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", s.Addr)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("SMTP server at %s did not start: %v", s.Addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr returns a local address no one listens on (for a moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// messages reads every message the server has accepted.
func (s *smtpSink) messages(t *testing.T) []received {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.dir, "new", "*"))
	var out []received
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(fh)
		if err != nil {
			fh.Close()
			t.Fatalf("read %s: %v", f, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
		fh.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		r := received{To: m.Header.Get("X-RcptTo"), Delivery: m.Header.Get(notify.DeliveryHeader), Subject: subject,
			Text: strings.ReplaceAll(string(body), "\r\n", "\n")}
		r.parseSubject()
		out = append(out, r)
	}
	return out
}

// localHooks lets webhooks reach this machine, where the tests' receivers listen;
// without it, as in a deployment by default, they would be refused.
var localHooks = notify.WebhookPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// webhookSink is an HTTP server receiving webhooks: it checks each signature with
// the secret of the path it was sent to, and can be made to fail.
type webhookSink struct {
	srv     *httptest.Server
	secrets map[string]string // path -> secret
	down    atomic.Bool       // answer 503 to everything

	mu  sync.Mutex
	got []received
	bad []string // requests with a wrong signature
}

func startWebhooks(t *testing.T, secrets map[string]string) *webhookSink {
	t.Helper()
	w := &webhookSink{secrets: secrets}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhookSink) URL(path string) string { return w.srv.URL + path }

func (w *webhookSink) serve(rw http.ResponseWriter, r *http.Request) {
	if w.down.Load() {
		http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	secret, ok := w.secrets[r.URL.Path]
	if !ok || !notify.VerifySignature(secret, body, r.Header.Get(notify.SignatureHeader)) {
		w.bad = append(w.bad, r.URL.Path+" "+r.Header.Get(notify.DeliveryHeader))
		http.Error(rw, "bad signature", http.StatusUnauthorized)
		return
	}
	var b struct {
		Delivery string         `json:"delivery"`
		Subject  string         `json:"subject"`
		Text     string         `json:"text"`
		Details  map[string]any `json:"details"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Delivery != r.Header.Get(notify.DeliveryHeader) {
		w.bad = append(w.bad, r.URL.Path+" undecodable or mislabelled body")
		http.Error(rw, "bad body", http.StatusBadRequest)
		return
	}
	rc := received{To: r.URL.Path, Delivery: b.Delivery, Subject: b.Subject, Text: b.Text, Details: b.Details}
	rc.parseSubject()
	w.got = append(w.got, rc)
}

func (w *webhookSink) messages() (got []received, bad []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]received(nil), w.got...), append([]string(nil), w.bad...)
}
