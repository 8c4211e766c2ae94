package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"sort"
	"testing"

	"coldset/internal/store"
)

func testProductions(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	tests := []struct {
		name    string
		appends []string // one entry appended to each, in this order
		want    []string
	}{
		{"empty store", nil, nil},
		{"one production", []string{"alpha"}, []string{"alpha"}},
		{"sorted by bytes, not insertion", []string{"zulu", "alpha", "Bravo", "alpha-2", "ä"}, []string{"Bravo", "alpha", "alpha-2", "zulu", "ä"}},
		{"listed once however many entries", []string{"b", "a", "b", "b", "a"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			for _, p := range tt.appends {
				n, err := s.Size(ctx, p)
				if err != nil {
					t.Fatalf("Size(%q): %v", p, err)
				}
				if err := s.Append(ctx, p, n, bodies(p, n, 1), checkpointFor(p, n+1)); err != nil {
					t.Fatalf("Append(%q): %v", p, err)
				}
			}
			got, err := s.Productions(ctx)
			if err != nil {
				t.Fatalf("Productions: %v", err)
			}
			if !sort.StringsAreSorted(tt.want) {
				t.Fatalf("bad test: want %q is not sorted", tt.want)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Productions = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("checkpoint without entries is no production", func(t *testing.T) {
		s := open(t)
		if err := s.Append(ctx, "empty", 0, nil, checkpointFor("empty", 0)); err != nil {
			t.Fatalf("Append of no entries: %v", err)
		}
		got, err := s.Productions(ctx)
		if err != nil {
			t.Fatalf("Productions: %v", err)
		}
		if len(got) != 0 {
			t.Errorf("Productions = %q, want none", got)
		}
	})
}

func testIsolation(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	s := open(t)
	fill(t, s, "a", 3)
	fill(t, s, "b", 1, 1) // index 0 of b is free although a has one
	fill(t, s, "a/b", 2)  // names that prefix each other stay apart
	if err := s.Append(ctx, "a", 1, bodies("a", 1, 1), []byte("bad")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("conflicting Append to a = %v, want ErrConflict", err)
	}
	if err := s.Append(ctx, "b", 2, bodies("b", 2, 1), checkpointFor("b", 3)); err != nil {
		t.Fatalf("Append to b after a conflict in a: %v", err)
	}
	wantLog(t, s, "a", 3, checkpointFor("a", 3))
	wantLog(t, s, "b", 3, checkpointFor("b", 3))
	wantLog(t, s, "a/b", 2, checkpointFor("a/b", 2))
	wantLog(t, s, "c", 0, nil)
}

func testBodies(t *testing.T, open func(t *testing.T) store.Store) {
	big := make([]byte, 1<<20)
	rand.Read(big)
	tests := []struct {
		name string
		body []byte
	}{
		{"empty body", []byte{}},
		{"nil body stored as empty", nil},
		{"invalid UTF-8", []byte{0xff, 0xfe, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80}},
		{"NUL bytes", []byte{0, 'a', 0, 0, 'b', 0}},
		{"every byte value", func() []byte {
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}()},
		{"canonical JSON entry", []byte(`{"production":"p","index":0,"time":"2025-01-02T03:04:05.000000006Z","type":"x","payload":{"a":"\u00e9"}}`)},
		{"random megabyte", big},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			in := slices.Clone(tt.body)
			if err := s.Append(ctx, "p", 0, [][]byte{in}, []byte("cp")); err != nil {
				t.Fatalf("Append: %v", err)
			}
			clear(in) // the store must have copied the caller's bytes
			es, err := s.Entries(ctx, "p", 0, 1)
			if err != nil {
				t.Fatalf("Entries: %v", err)
			}
			if len(es) != 1 {
				t.Fatalf("got %d entries, want 1", len(es))
			}
			if es[0].Body == nil || !bytes.Equal(es[0].Body, tt.body) {
				t.Errorf("Body = %x (nil %v), want %x", truncate(es[0].Body), es[0].Body == nil, truncate(tt.body))
			}
		})
	}
}

func truncate(b []byte) []byte { return b[:min(len(b), 32)] }
