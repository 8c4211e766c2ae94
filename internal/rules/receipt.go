package rules

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
)

// Receipt codes of anonymous concerns (concern-sla): the one secret an anonymous
// reporter holds, and the only way back to their concern. A code is ReceiptLength
// characters of standard base32 (A-Z and 2-7), so 140 random bits: too many to guess
// within the guessing limits. The rules keep only its SHA-256, never the code.

// ReceiptLength is the length of a receipt code, without any grouping dashes.
const ReceiptLength = 28

// NewReceipt returns a fresh receipt code in the form the rules hash: ReceiptLength
// characters of base32, upper case, without dashes. Safe for concurrent use.
func NewReceipt() string {
	b := make([]byte, 18) // 144 bits, of which the 28 characters keep 140
	rand.Read(b)          // never fails (crypto/rand)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:ReceiptLength]
}

func receiptHash(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// ConcernForReceipt returns the anonymous concern filed with this receipt code, so that
// its reporter can read replies and reopen it. Only the code's hash is on record.
func (s *State) ConcernForReceipt(code string) (string, bool) {
	if code == "" {
		return "", false
	}
	if c := s.byReceipt[receiptHash(code)]; c != nil {
		return c.ID, true
	}
	return "", false
}
