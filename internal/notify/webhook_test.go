package notify_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"coldset/internal/notify"
)

func TestWebhookGoesOnlyWherePermitted(t *testing.T) {
	const refused = "the address is not a public one; ask the studio admin to allow it"
	for _, tc := range []struct {
		name  string
		host  string // the receiver listens on 127.0.0.1; this is how the URL names it
		allow string
		sent  bool
	}{
		{"loopback address, nothing allowed: refused", "127.0.0.1", "", false},
		{"host name resolving to loopback, nothing allowed: refused", "localhost", "", false},
		{"loopback address, only the studio network allowed: refused", "127.0.0.1", "10.0.0.0/8", false},
		{"loopback address, loopback allowed: delivered", "127.0.0.1", "127.0.0.0/8", true},
		{"host name resolving to loopback, loopback allowed: delivered", "localhost", "127.0.0.0/8,::1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, got := countingServer(t, func(http.ResponseWriter, *http.Request) {})
			_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
			row, _ := attemptWebhook(t, "http://"+net.JoinHostPort(tc.host, port)+"/hook", tc.allow)
			delivered := row.Status == notify.StatusDelivered
			if delivered != tc.sent || (got.Load() > 0) != tc.sent {
				t.Fatalf("delivered %v, receiver got %d requests; want sent %v (attempt: %q)", delivered, got.Load(), tc.sent, row.Attempts[0].Error)
			}
			if !tc.sent && row.Attempts[0].Error != refused {
				t.Fatalf("attempt error %q, want %q", row.Attempts[0].Error, refused)
			}
		})
	}
}

func TestWebhookRedirectIsNotFollowed(t *testing.T) {
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			elsewhere, reached := countingServer(t, func(http.ResponseWriter, *http.Request) {})
			first, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+"/hook", code)
			})
			row, _ := attemptWebhook(t, first.URL+"/hook", "127.0.0.0/8")
			if row.Status == notify.StatusDelivered || reached.Load() != 0 {
				t.Fatalf("status %s, the redirect's target got %d requests; want a failed attempt and none", row.Status, reached.Load())
			}
			if e := row.Attempts[0].Error; !strings.Contains(e, "answered "+strconv.Itoa(code)) || !strings.Contains(e, "redirects are not followed") {
				t.Fatalf("attempt error %q, want it to give the status and say redirects are not followed", e)
			}
		})
	}
}

// The receiver's answer is never kept or shown: a webhook pointed at a service that
// was not meant to be reachable must not become a way to read it.
func TestWebhookAnswerIsNotEchoed(t *testing.T) {
	const secret = "db-password-hunter2"
	banner := func(t *testing.T) string { // a server that speaks first, and not HTTP
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Write([]byte("SSH-2.0-OpenSSH_9.6 " + secret + "\r\n"))
				c.Close()
			}
		}()
		return "http://" + ln.Addr().String() + "/"
	}
	answering := func(code int) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "internal: "+secret, code) })
			return srv.URL + "/hook"
		}
	}
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/"
	}
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
		want string
	}{
		{"500 with a body", answering(http.StatusInternalServerError), "the address answered 500"},
		{"401 with a body", answering(http.StatusUnauthorized), "the address answered 401"},
		{"a server that is not HTTP", banner, "the address could not be reached"},
		{"nothing listening", closed, "the address refused the connection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row, logs := attemptWebhook(t, tc.url(t), "127.0.0.0/8")
			if got := row.Attempts[0].Error; got != tc.want {
				t.Fatalf("attempt error %q, want %q", got, tc.want)
			}
			if strings.Contains(logs, secret) || strings.Contains(logs, "SSH-2.0") {
				t.Fatalf("the log holds the receiver's answer:\n%s", logs)
			}
		})
	}
}
