package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

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

// postWebhook POSTs the row's body to its URL. Any 2xx answer is a delivery; anything
// else, or no answer, is a failed attempt.
func postWebhook(ctx context.Context, c *http.Client, d Delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Address, bytes.NewReader(d.Body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "coldset")
	req.Header.Set(SignatureHeader, Sign(d.Secret, d.Body))
	req.Header.Set(DeliveryHeader, d.Key())
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook: %s answered %s: %s", d.Address, resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}
