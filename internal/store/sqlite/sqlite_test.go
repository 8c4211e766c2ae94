package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"coldset/internal/store"
	"coldset/internal/store/sqlite"
	"coldset/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, storetest.OpenSQLite)
}

// open opens a Store on path, closed when the test ends.
func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestOpenRejectsNonFiles(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", "x.db?_pragma=synchronous(OFF)"} {
		t.Run(path, func(t *testing.T) {
			if s, err := sqlite.Open(path); err == nil {
				s.Close()
				t.Errorf("Open(%q) succeeded, want an error", path)
			}
		})
	}
}

// Two Stores on one file stand for two processes: SQLite's write lock, waited for
// through busy_timeout, serializes their appends.
func TestProcessesRace(t *testing.T) {
	t.Run("one winner per index", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "coldset.db")
		storetest.RaceOneWinner(t, open(t, path), open(t, path))
	})
	t.Run("racing appenders leave no gaps or duplicates", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "coldset.db")
		storetest.RaceAppenders(t, open(t, path), open(t, path))
	})
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "coldset.db")
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 3 { // a new file opened by several processes at once is migrated once
		wg.Go(func() {
			s, err := sqlite.Open(path)
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Append(ctx, "p", 0, [][]byte{[]byte("kept")}, []byte("cp")); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, path)
	es, err := s.Entries(ctx, "p", 0, 10)
	if err != nil || len(es) != 1 || string(es[0].Body) != "kept" {
		t.Errorf("Entries after reopen = %v, %v; want the one kept entry", es, err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open raw: %v", err)
	}
	defer db.Close()
	var versions, distinct int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&versions, &distinct); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	if versions == 0 || versions != distinct {
		t.Errorf("schema_migrations has %d rows for %d versions, want each version once", versions, distinct)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode of the file = %q, %v; want wal", mode, err)
	}
}
