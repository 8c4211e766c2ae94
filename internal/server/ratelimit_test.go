package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
)

// signInFrom posts the API sign-in from a client address.
func (ta *testAPI) signInFrom(addr, email, password string) *httptest.ResponseRecorder {
	ta.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req := httptest.NewRequest("POST", "/api/session", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	ta.srv.ServeHTTP(rec, req)
	return rec
}

// wantLocked checks a 429 answer: the problem says until when, Retry-After says
// how long.
func wantLocked(t *testing.T, rec *httptest.ResponseRecorder, until string, retry time.Duration) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", rec.Code, rec.Body)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != "/problems/too-many-attempts" {
		t.Fatalf("problem %s", rec.Body)
	}
	if !strings.Contains(p.Detail, "until "+until+" UTC") || !strings.Contains(p.Detail, "Try again then") {
		t.Errorf("detail %q does not say to retry at %s UTC", p.Detail, until)
	}
	if got := rec.Header().Get("Retry-After"); got != strconv.Itoa(int(retry/time.Second)) {
		t.Errorf("Retry-After %q, want %d", got, int(retry/time.Second))
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	ta := newTestAPI(t)
	if _, err := auth.AddAccount(context.Background(), ta.accounts, "kim@crew.test", "kim's password", false); err != nil {
		t.Fatal(err)
	}
	const addr = "198.51.100.7:5000"
	for i := 1; i <= 4; i++ {
		if rec := ta.signInFrom(addr, "kim@crew.test", "guess "+strconv.Itoa(i)); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, rec.Code)
		}
		ta.setClock(ta.clock().Add(time.Minute))
	}
	// dayOne is 13:00 UTC; the fifth failure comes at 13:04 and locks until 13:19.
	wantLocked(t, ta.signInFrom(addr, "kim@crew.test", "guess 5"), "13:19", 15*time.Minute)

	t.Run("429: the right password while locked, unchecked", func(t *testing.T) {
		ta.setClock(dayOne.Add(14 * time.Minute))
		wantLocked(t, ta.signInFrom(addr, "KIM@crew.test", "kim's password"), "13:19", 5*time.Minute)
	})
	t.Run("429: from another address too: the lock is the account's", func(t *testing.T) {
		wantLocked(t, ta.signInFrom("203.0.113.9:1", "kim@crew.test", "kim's password"), "13:19", 5*time.Minute)
	})
	t.Run("201: once the lock ends", func(t *testing.T) {
		ta.setClock(dayOne.Add(19 * time.Minute))
		if rec := ta.signInFrom(addr, "kim@crew.test", "kim's password"); rec.Code != http.StatusCreated {
			t.Fatalf("status %d, want 201; body %s", rec.Code, rec.Body)
		}
	})
	t.Run("401: a success clears the count", func(t *testing.T) {
		for i := 0; i < 4; i++ {
			if rec := ta.signInFrom(addr, "kim@crew.test", "wrong"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d after a success: status %d, want 401", i+1, rec.Code)
			}
		}
	})
}

func TestLockoutCountsUnknownEmailsAlike(t *testing.T) {
	ta := newTestAPI(t)
	var last *httptest.ResponseRecorder
	for i := 0; i < accountFailures; i++ {
		last = ta.signInFrom("198.51.100.7:5000", "nobody@crew.test", "guess")
	}
	wantLocked(t, last, "13:15", 15*time.Minute)
}

func TestLockoutFailuresSpreadOutDoNotLock(t *testing.T) {
	ta := newTestAPI(t)
	for i := 0; i < 2*accountFailures; i++ {
		if rec := ta.signInFrom("198.51.100.7:5000", "kim@crew.test", "guess"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d, %d minutes apart: status %d, want 401", i+1, 4, rec.Code)
		}
		ta.setClock(ta.clock().Add(4 * time.Minute)) // four failures in any 15 minutes
	}
}

func TestLockoutPerAddress(t *testing.T) {
	ta := newTestAPI(t)
	if _, err := auth.AddAccount(context.Background(), ta.accounts, "kim@crew.test", "kim's password", false); err != nil {
		t.Fatal(err)
	}
	const addr = "198.51.100.7:5000"
	for i := 1; i < addrFailures; i++ { // one wrong password on each of many accounts
		if rec := ta.signInFrom(addr, "crew"+strconv.Itoa(i)+"@crew.test", "summer2026"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, rec.Code)
		}
	}
	rec := ta.signInFrom(addr, "crew0@crew.test", "summer2026")
	wantLocked(t, rec, "13:15", 15*time.Minute)
	if !strings.Contains(rec.Body.String(), "network address") {
		t.Errorf("detail does not say the address is paused: %s", rec.Body)
	}
	t.Run("429: every account from that address", func(t *testing.T) {
		if rec := ta.signInFrom("198.51.100.7:6001", "kim@crew.test", "kim's password"); rec.Code != http.StatusTooManyRequests {
			t.Errorf("status %d, want 429", rec.Code)
		}
	})
	t.Run("201: the same account from another address", func(t *testing.T) {
		if rec := ta.signInFrom("203.0.113.9:1", "kim@crew.test", "kim's password"); rec.Code != http.StatusCreated {
			t.Errorf("status %d, want 201", rec.Code)
		}
	})
	t.Run("429: an IPv6 client is counted by its /64", func(t *testing.T) {
		for i := 0; i < addrFailures; i++ {
			ta.signInFrom("[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:443", "v6-"+strconv.Itoa(i)+"@crew.test", "guess")
		}
		if rec := ta.signInFrom("[2001:db8:1:2:ffff::1]:443", "kim@crew.test", "kim's password"); rec.Code != http.StatusTooManyRequests {
			t.Errorf("status %d from the same /64, want 429", rec.Code)
		}
	})
}

// TestLockoutSignInPage: the page counts with the API, and says the same in words.
func TestLockoutSignInPage(t *testing.T) {
	wc := newWebClient(t)
	_, page := wc.get("/signin")
	token := csrfIn(t, page)
	var resp *http.Response
	for i := 0; i < accountFailures; i++ {
		resp = wc.post("/signin", url.Values{"csrf": {token}, "email": {"sol@dry-creek.test"}, "password": {"guess"}})
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "900" {
		t.Fatalf("fifth failure: status %d, Retry-After %q; want 429, 900", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, err := wc.c.PostForm(wc.url+"/signin", url.Values{"csrf": {token}, "email": {"sol@dry-creek.test"}, "password": {"sol-dry-creek"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := new(strings.Builder)
	if _, err := io.Copy(body, resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body.String(), "Too many failed sign-ins") ||
		!strings.Contains(body.String(), "Try again then") {
		t.Errorf("the right password while locked: status %d, page %s", resp.StatusCode, body)
	}
	if c := cookieNamed(resp.Cookies(), sessionCookie); c != nil {
		t.Errorf("a locked sign-in set the session cookie")
	}
}

func TestLockoutClientAddr(t *testing.T) {
	for _, tt := range []struct{ remote, want string }{
		{"198.51.100.7:5000", "198.51.100.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[::ffff:198.51.100.7]:80", "::ffff:198.51.100.7"},
		{"not an address", "not an address"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tt.remote
		if got := clientAddr(req); got != tt.want {
			t.Errorf("clientAddr(%q) = %q, want %q", tt.remote, got, tt.want)
		}
	}
}
