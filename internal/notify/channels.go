package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// The two channels: e-mail through an SMTP server, and webhooks.

// Mailer sends the e-mail of one outbox row.
type Mailer interface {
	Send(ctx context.Context, d Delivery) error
}

// SMTP sends e-mail through one mail server. It uses STARTTLS when the server offers
// it, and PLAIN authentication (only over TLS, or to localhost) when Username is set.
type SMTP struct {
	Addr     string // host:port
	From     string // envelope and header sender
	Username string
	Password string
}

// Send delivers d to its address. The message's Message-ID is derived from the row,
// so every attempt at one row is the same message to the receiving side.
func (s *SMTP) Send(ctx context.Context, d Delivery) error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: server address %q: %w", s.Addr, err)
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("smtp: auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(d.Address); err != nil {
		return fmt.Errorf("smtp: RCPT TO %s: %w", d.Address, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(s.message(d, time.Now())); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: message not accepted: %w", err)
	}
	return c.Quit()
}

// message renders the row as an RFC 5322 message: UTF-8 text, quoted-printable, so
// that long lines and any language pass every mail server.
func (s *SMTP) message(d Delivery, now time.Time) []byte {
	sum := sha256.Sum256([]byte(d.Key()))
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", s.From)
	fmt.Fprintf(&b, "To: %s\r\n", d.Address)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", d.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@coldset>\r\n", hex.EncodeToString(sum[:16]))
	fmt.Fprintf(&b, "%s: %s\r\n", DeliveryHeader, d.Key())
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write(bytes.ReplaceAll(d.Body, []byte("\n"), []byte("\r\n")))
	qp.Close()
	return b.Bytes()
}

// Webhook headers.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the exact body,
	// keyed with the contact's secret.
	SignatureHeader = "X-Coldset-Signature"
	// DeliveryHeader names the outbox row: the same on every attempt at it.
	DeliveryHeader = "X-Coldset-Delivery"
)

// Sign returns the X-Coldset-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is body's signature under secret, in
// constant time. Receivers use it; so do the tests.
func VerifySignature(secret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	raw, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(raw, m.Sum(nil))
}
