package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServeTrustProxy starts coldset serve with and without --trust-proxy behind a
// pretend proxy that says the browser came over HTTPS: only a server told to trust
// it marks its cookies Secure and sends HSTS. A --url that is no web address is a
// usage error.
func TestServeTrustProxy(t *testing.T) {
	bin := buildColdset(t)
	for _, url := range []string{"ftp://coldset.example.org", "coldset.example.org", "https://coldset.example.org/coldset"} {
		if code, _, stderr := runColdset(t, bin, t.TempDir(), "serve", "--url", url); code != 2 || !strings.Contains(stderr, "--url") {
			t.Errorf("serve --url %s: exit %d, stderr %q; want 2 naming --url", url, code, stderr)
		}
	}
	for _, trust := range []bool{false, true} {
		args := []string{"--url", "https://coldset.example.org"}
		if trust {
			args = append(args, "--trust-proxy")
		}
		srv := startServe(t, bin, t.TempDir(), args...)
		req, err := http.NewRequest("GET", srv.addr+"/signin", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /signin: %v\n%s", err, srv.output())
		}
		resp.Body.Close()
		secure := false
		for _, c := range resp.Cookies() {
			secure = secure || c.Secure
		}
		hsts := resp.Header.Get("Strict-Transport-Security") != ""
		if resp.StatusCode != http.StatusOK || secure != trust || hsts != trust {
			t.Errorf("--trust-proxy %v: status %d, Secure cookie %v, HSTS %v; want both %v", trust, resp.StatusCode, secure, hsts, trust)
		}
	}
}
