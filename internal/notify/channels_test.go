package notify

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := Backoff{Base: 30 * time.Second, Max: time.Hour}
	for _, tc := range []struct {
		name     string
		failures int
		want     time.Duration
	}{
		{"after the first failure, the base", 1, 30 * time.Second},
		{"after the second, twice that", 2, time.Minute},
		{"after the sixth", 6, 16 * time.Minute},
		{"capped at the maximum", 8, time.Hour},
		{"still capped much later", 500, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.After(tc.failures); got != tc.want {
				t.Fatalf("After(%d) = %s, want %s", tc.failures, got, tc.want)
			}
		})
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"delivery":"p/1/c/webhook"}`)
	// The HMAC-SHA256 of body under "0123456789abcdef", computed independently
	// (printf '%s' BODY | openssl dgst -sha256 -hmac 0123456789abcdef).
	const want = "sha256=3d5161c6b7746d5ae02ad886941ee3e2cb24ec07ae8f383d7fafc53575199f27"
	sig := Sign("0123456789abcdef", body)
	for _, tc := range []struct {
		name   string
		secret string
		body   []byte
		header string
		ok     bool
	}{
		{"its own signature", "0123456789abcdef", body, sig, true},
		{"another secret", "fedcba9876543210", body, sig, false},
		{"a changed body", "0123456789abcdef", append(bytes.Clone(body), ' '), sig, false},
		{"no sha256= prefix", "0123456789abcdef", body, strings.TrimPrefix(sig, "sha256="), false},
		{"not hex", "0123456789abcdef", body, "sha256=zz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifySignature(tc.secret, tc.body, tc.header); got != tc.ok {
				t.Fatalf("VerifySignature = %v, want %v", got, tc.ok)
			}
		})
	}
	if sig != want {
		t.Errorf("Sign = %s, want %s", sig, want)
	}
}

func TestMailMessage(t *testing.T) {
	s := &SMTP{From: "coldset@studio.test"}
	d := Delivery{Message: Message{Production: "p", Index: 7, Contact: "sol", Channel: ChannelEmail, Address: "sol@crew.test",
		Subject: "[coldset] Dry Creek: CONCERN c1 (équipement, high)", Body: []byte("line one\n" + strings.Repeat("long ", 40) + "\nend")}}
	raw := s.message(d, time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != d.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, d.Subject)
	}
	for header, want := range map[string]string{"To": "sol@crew.test", "From": "coldset@studio.test", DeliveryHeader: "p/7/sol/email"} {
		if got := m.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	again := s.message(d, time.Now())
	m2, _ := mail.ReadMessage(bytes.NewReader(again))
	if id := m.Header.Get("Message-ID"); id == "" || id != m2.Header.Get("Message-ID") {
		t.Errorf("Message-ID %q, then %q: want one id for every attempt at a row", id, m2.Header.Get("Message-ID"))
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
}
