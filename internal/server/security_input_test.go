package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLocalPath(t *testing.T) {
	tests := []struct {
		next, want string
	}{
		{"/productions/dry-creek", "/productions/dry-creek"},
		{"/productions/dry-creek/concerns?after=c-9#list", "/productions/dry-creek/concerns?after=c-9#list"},
		{"/report/dry-creek?x=%2F%2Fevil", "/report/dry-creek?x=%2F%2Fevil"},
		{"", ""},
		{"productions", ""},
		{"https://evil.example/", ""},
		{"//evil.example", ""},
		{"/\\evil.example", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"/ /evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/a\\b", ""},
		{"/café", ""},
		{"/" + strings.Repeat("a", maxLocalPath), ""},
	}
	for _, tt := range tests {
		if got := localPath(tt.next); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}

// A sign-in with next=/%09/evil.example goes home, not off-site: the tab would be
// dropped by the browser, leaving //evil.example.
func TestSignInNextStaysOnSite(t *testing.T) {
	wc := newWebClient(t)
	_, page := wc.get("/signin?next=/%09/evil.example")
	if strings.Contains(page, "evil.example") {
		t.Errorf("the sign-in page carries the off-site next on")
	}
	resp := wc.post("/signin", url.Values{"csrf": {csrfIn(t, page)}, "email": {"pia@dry-creek.test"}, "password": {"pia-dry-creek"}, "next": {"/\t/evil.example"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Errorf("sign-in: status %d to %q, want 303 to /", resp.StatusCode, loc)
	}
}

// Forms refuse text that is not text: invalid UTF-8 (which the ledger would record
// as U+FFFD, words nobody typed) and control characters such as NUL. Nothing is
// recorded; tabs and line breaks stay allowed.
func TestFormsRefuseWhatIsNotText(t *testing.T) {
	w := newMatrixWorld(t)
	gus := w.callers[6]
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"plain words with a line break and a tab", "the rail\r\nis\tloose", true},
		{"accents and an em dash", "café — señal", true},
		{"invalid UTF-8", "the rail \xff is loose", false},
		{"a lone continuation byte", "\x80", false},
		{"NUL", "the rail\x00is loose", false},
		{"an escape sequence", "\x1b[31mred", false},
		{"DEL", "rail\x7f", false},
		{"a C1 control", "rail\u0085", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{"csrf": {gus.csrf()}, "do": {"concern.file"}, "s:id": {"form-" + string(rune('a'+i))},
				"s:category": {"equipment"}, "s:severity": {"low"}, "s:text": {tt.text}}
			req := httptest.NewRequest("POST", "/productions/"+matrixProd+"/do", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			before := w.size()
			rec := w.serve(gus, req)
			grew := w.size() != before
			switch {
			case tt.ok && (rec.Code != http.StatusSeeOther || !grew):
				t.Errorf("status %d, ledger grew %v; want 303 and the concern recorded", rec.Code, grew)
			case !tt.ok && (rec.Code != http.StatusBadRequest || grew || !strings.Contains(rec.Body.String(), "not text")):
				t.Errorf("status %d, ledger grew %v; want 400 saying it is not text, nothing recorded: %.300s", rec.Code, grew, rec.Body.String())
			}
			if tt.ok {
				l, _ := w.lg.Existing(context.Background(), matrixProd)
				rows, err := l.Entries(context.Background(), before, before+1)
				if err != nil || len(rows) != 1 || !bytes.Contains(rows[0].Body, []byte(`"text":`)) || bytes.Contains(rows[0].Body, []byte("\ufffd")) {
					t.Errorf("recorded %v (%v)", rows, err)
				}
			}
		})
	}
}

// The server lets go of a client that sends its request too slowly and of a
// connection left idle, but not of the live-update stream, which outlives both.
func TestTimeoutsSpareTheLiveStream(t *testing.T) {
	tm := Timeouts{ReadHeader: 500 * time.Millisecond, Read: time.Second, Write: time.Second, Idle: time.Second}
	wc := newWebClientWithin(t, tm)
	wc.signIn("ana")
	addr := strings.TrimPrefix(wc.url, "http://")

	// closedWithin reads from conn until it is closed, failing after limit.
	closedWithin := func(t *testing.T, conn net.Conn, limit time.Duration) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(limit))
		_, err := io.Copy(io.Discard, conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("the server still held the connection after %v", limit)
		}
	}
	t.Run("a body sent too slowly", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\":")
		closedWithin(t, conn, 5*time.Second)
	})
	t.Run("an idle connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		closedWithin(t, conn, 5*time.Second)
	})
	t.Run("the live stream", func(t *testing.T) {
		resp, err := wc.c.Get(wc.url + "/productions/dry-creek/events")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Past every timeout, a new entry still reaches the stream.
		time.Sleep(2500 * time.Millisecond)
		token := csrfFromPage(t, wc)
		wc.post("/productions/dry-creek/do", url.Values{"csrf": {token}, "do": {"concern.file"}, "s:id": {"late-1"},
			"s:category": {"other"}, "s:severity": {"low"}, "s:text": {"the stream is still open"}})
		deadline := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("the stream was closed by the server's timeouts")
				}
				if l == "event: ledger" {
					return
				}
			case <-deadline:
				t.Fatal("no ledger event on the stream after the timeouts passed")
			}
		}
	})
}

// csrfFromPage reads the form token from the production's page.
func csrfFromPage(t *testing.T, wc *webClient) string {
	t.Helper()
	_, page := wc.get("/productions/dry-creek")
	return csrfIn(t, page)
}

// The API refuses, as the forms do, strings that escape control characters: JSON can
// carry a NUL as \u0000 in valid UTF-8. Tabs, line breaks and any other character
// stay allowed.
func TestAPIRefusesControlEscapes(t *testing.T) {
	w := newMatrixWorld(t)
	gus := w.callers[6]
	tests := []struct {
		name, text string // text as it stands inside the JSON string
		ok         bool
	}{
		{"line breaks and a tab", `the rail\r\nis\tloose`, true},
		{"an emoji as surrogates", `loose \ud83d\ude1f`, true},
		{"an escaped slash and quote", `a \"loose\" rail\/dolly`, true},
		{"NUL", `the rail\u0000is loose`, false},
		{"an escape character", `\u001b[31mred`, false},
		{"backspace", `rail\b`, false},
		{"form feed", `rail\f`, false},
		{"DEL", `rail\u007F`, false},
		{"a C1 control", `rail\u0085`, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"do":"concern.file","with":{"id":"api-` + string(rune('a'+i)) + `","category":"equipment","severity":"low","text":"` + tt.text + `"}}`
			req := httptest.NewRequest("POST", "/api/productions/"+matrixProd+"/actions", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			before := w.size()
			rec := w.serve(gus, req)
			grew := w.size() != before
			switch {
			case tt.ok && (rec.Code != http.StatusOK || !grew):
				t.Errorf("status %d, ledger grew %v; want 200 and the concern recorded: %.300s", rec.Code, grew, rec.Body.String())
			case !tt.ok && (rec.Code != http.StatusBadRequest || grew || !strings.Contains(rec.Body.String(), "control character")):
				t.Errorf("status %d, ledger grew %v; want 400 naming the control character, nothing recorded: %.300s", rec.Code, grew, rec.Body.String())
			}
		})
	}
}
