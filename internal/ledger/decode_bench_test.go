package ledger_test

import (
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"coldset/internal/ledger"
)

// handoffBody is the canonical body of a typical entry.
func handoffBody(b *testing.B) []byte {
	b.Helper()
	e := ledger.Entry{Production: "dry-creek", Index: 123456, Time: time.Date(2026, 3, 2, 14, 3, 7, 123456789, time.UTC),
		Actor: "ana", Type: "firearm.handoff", Payload: json.RawMessage(`{"firearm":"colt-1","to":"kim"}`)}
	body, err := e.Encode()
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecodeEntry measures decoding one stored body, which every entry costs
// when a production is opened (the state rebuild) and when a report loads it.
// BenchmarkLeafHash, over the same bytes, is the limit beside it: the one thing a
// rebuild must do with every body anyway.
func BenchmarkDecodeEntry(b *testing.B) {
	body := handoffBody(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ledger.DecodeEntry(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLeafHash(b *testing.B) {
	body := handoffBody(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		ledger.LeafHash(body)
	}
}

// BenchmarkSHA256 is raw SHA-256 over the same bytes, without the leaf prefix.
func BenchmarkSHA256(b *testing.B) {
	body := handoffBody(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		sha256.Sum256(body)
	}
}
