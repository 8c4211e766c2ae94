package sqlite

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// Appends that never pause leave passive checkpoints no moment at which SQLite can
// restart the WAL; the checkpointer must still keep it bounded, also once a reader
// that held an old snapshot (and so the whole WAL) lets go. Every append must
// succeed, and all must be in the database file once Close has removed the WAL.
func TestWALStaysBoundedUnderContinuousAppends(t *testing.T) {
	const maxPages = 200
	tests := []struct {
		name      string
		releaseAt int // with a reader on an old snapshot, the batch after which it ends; 0: none
		batches   int
	}{
		{"appends only", 0, 600},
		{"a reader holds the WAL for a while", 100, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "coldset.db")
			s, err := open(path, false) // the test runs the checkpoints
			if err != nil {
				t.Fatal(err)
			}
			s.ckpt.maxPages, s.ckpt.restart = maxPages, maxPages
			ctx := context.Background()

			next := uint64(0)
			release := func() {}
			if tt.releaseAt > 0 {
				if err := s.Append(ctx, "p", 0, [][]byte{[]byte("first")}, nil); err != nil {
					t.Fatal(err)
				}
				next = 1
				tx, err := s.read.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				if _, err := logSize(ctx, tx, "p"); err != nil { // takes the snapshot
					t.Fatal(err)
				}
				release = func() { tx.Rollback() }
			}

			rows := make([][]byte, 64)
			for i := range rows {
				rows[i] = bytes.Repeat([]byte("x"), 220)
			}
			var batch atomic.Int64 // batches appended so far
			appended := make(chan error, 1)
			go func() {
				for i := range tt.batches {
					if err := s.Append(ctx, "p", next, rows, []byte("checkpoint")); err != nil {
						appended <- err
						return
					}
					next += uint64(len(rows))
					if i+1 == tt.releaseAt {
						release()
					}
					batch.Store(int64(i + 1))
				}
				appended <- nil
			}()
			// Pages in the WAL, largest seen once any reader has let go and the
			// checkpointer has had time to act on it.
			settled := int64(tt.releaseAt + (tt.batches-tt.releaseAt)/2)
			var largest int64
			for batch.Load() < int64(tt.batches) {
				// As the checkpointer's goroutine would, at a quarter of the pages.
				if s.ckpt.pages.Load() < maxPages/4 {
					time.Sleep(100 * time.Microsecond)
					continue
				}
				pages := s.ckpt.checkpoint()
				if batch.Load() > settled {
					largest = max(largest, pages)
				}
			}
			if err := <-appended; err != nil {
				t.Fatal(err)
			}
			t.Logf("largest WAL in the last half: %d pages", largest)
			// Room for the pages written between two checkpoints, and while the one that
			// restarts the WAL waits for the append in progress.
			if largest > 3*maxPages {
				t.Errorf("WAL held %d pages, want at most %d", largest, 3*maxPages)
			}

			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("after Close: stat WAL: %v, want it gone", err)
			}
			s, err = Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got, err := s.Size(ctx, "p"); err != nil || got != next {
				t.Fatalf("reopened size %d, %v; want %d", got, err, next)
			}
		})
	}
}
