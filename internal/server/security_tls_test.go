package server

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coldset/internal/auth"
)

// selfSignedCert writes a fresh self-signed certificate for 127.0.0.1 and localhost
// and its key as PEM files, and returns their paths and the certificate.
func selfSignedCert(t *testing.T) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "coldset test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

// TestTLSServe serves the server over HTTPS the way coldset serve --tls-cert
// --tls-key does (TLSConfig, http.Server.ServeTLS) with a self-signed certificate,
// and checks what TLS changes: Strict-Transport-Security on every answer, Secure
// cookies, HTTP/2, no TLS below 1.2, and no plain HTTP on the port.
func TestTLSServe(t *testing.T) {
	ta := newTestAPI(t)
	ta.dryCreek()
	certFile, keyFile, cert := selfSignedCert(t)
	cfg, err := TLSConfig(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var errorLog lockedBuffer
	hs := &http.Server{Handler: ta.srv, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second, ErrorLog: ErrorLog(&errorLog)}
	done := make(chan error, 1)
	go func() { done <- hs.ServeTLS(ln, "", "") }()
	t.Cleanup(func() {
		hs.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("ServeTLS: %v", err)
		}
	})
	base := "https://" + ln.Addr().String()
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}}
	t.Cleanup(client.CloseIdleConnections)

	t.Run("HSTS and the security headers on every answer", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/api/session", "/signin", "/assets/app.css", "/api/nothing"} {
			resp, err := client.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			checkHeaders(t, "GET "+path+" over TLS", resp.Header, true)
			if resp.ProtoMajor != 2 {
				t.Errorf("GET %s: %s, want HTTP/2", path, resp.Proto)
			}
		}
	})
	t.Run("the session and CSRF cookies are Secure", func(t *testing.T) {
		resp, err := client.Get(base + "/signin")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if c := cookieNamed(resp.Cookies(), csrfCookie); c == nil || !c.Secure || !c.HttpOnly {
			t.Errorf("pre-session cookie %+v: want Secure, HttpOnly", c)
		}
		addPassword(t, ta, "sol@crew.test", "sol's password")
		resp, err = client.Post(base+"/api/session", "application/json", strings.NewReader(`{"email":"sol@crew.test","password":"sol's password"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c := cookieNamed(resp.Cookies(), sessionCookie)
		if resp.StatusCode != http.StatusCreated || c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("sign-in over TLS: status %d, cookie %+v; want 201 and a Secure, HttpOnly, SameSite=Lax cookie", resp.StatusCode, c)
		}
	})
	t.Run("TLS 1.1 is refused, and the error log keeps no address", func(t *testing.T) {
		old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MaxVersion: tls.VersionTLS11}}}
		if resp, err := old.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			t.Errorf("a TLS 1.1 client was served")
		}
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(errorLog.String(), "handshake error") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := errorLog.String(); !strings.Contains(got, "handshake error from (address withheld)") || strings.Contains(got, "127.0.0.1") {
			t.Errorf("error log %q: want the handshake error without the client's address", got)
		}
	})
	t.Run("plain HTTP on the TLS port is not served", func(t *testing.T) {
		resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
		if err != nil {
			return // the connection was dropped: fine
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP answered 200: %s", body)
		}
	})
}

// addPassword gives an invited account a password.
func addPassword(t *testing.T, ta *testAPI, email, password string) {
	t.Helper()
	a, err := ta.accounts.AccountByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := ta.accounts.SetPassword(t.Context(), a.ID, hash); err != nil {
		t.Fatal(err)
	}
}

func TestTLSConfigRefusesBadFiles(t *testing.T) {
	certFile, keyFile, _ := selfSignedCert(t)
	otherCert, otherKey, _ := selfSignedCert(t)
	for _, tt := range []struct{ name, cert, key string }{
		{"no key", certFile, ""},
		{"no certificate", "", keyFile},
		{"a missing file", certFile, filepath.Join(t.TempDir(), "nothing.pem")},
		{"the key of another certificate", certFile, otherKey},
		{"the files swapped", otherKey, otherCert},
	} {
		if _, err := TLSConfig(tt.cert, tt.key); err == nil {
			t.Errorf("%s: TLSConfig accepted it", tt.name)
		}
	}
	cfg, err := TLSConfig(certFile, keyFile)
	if err != nil || cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLSConfig: %v, MinVersion %x; want TLS 1.2 at least", err, cfg.MinVersion)
	}
}

// lockedBuffer is a buffer the server's goroutines write while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestTLSErrorLogWithholdsAddresses(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"http: TLS handshake error from 198.51.100.7:51234: EOF", "http: TLS handshake error from (address withheld): EOF"},
		{"http: TLS handshake error from [2001:db8::1]:443: EOF", "http: TLS handshake error from (address withheld): EOF"},
		{"http: panic serving 198.51.100.7:1: boom", "http: panic serving (address withheld): boom"},
		{"http: Accept error: too many open files", "http: Accept error: too many open files"},
	} {
		var buf bytes.Buffer
		ErrorLog(&buf).Print(tt.in)
		if got := strings.TrimSpace(buf.String()); !strings.HasSuffix(got, tt.want) {
			t.Errorf("logged %q, want it to end %q", got, tt.want)
		}
	}
}
