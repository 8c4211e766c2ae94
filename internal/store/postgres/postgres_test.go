package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, storetest.OpenPostgres)
}

// open opens a Store on url, closed when the test ends.
func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Two Stores on one database stand for two server processes.
func TestProcessesRace(t *testing.T) {
	t.Run("one winner per index", func(t *testing.T) {
		u := storetest.PostgresURL(t)
		storetest.RaceOneWinner(t, open(t, u), open(t, u))
	})
	t.Run("racing appenders leave no gaps or duplicates", func(t *testing.T) {
		u := storetest.PostgresURL(t)
		storetest.RaceAppenders(t, open(t, u), open(t, u), open(t, u))
	})
}

func TestOpenTogetherMigratesOnce(t *testing.T) {
	u := storetest.PostgresURL(t)
	const processes = 4
	var wg sync.WaitGroup
	errs := make([]error, processes)
	for i := range processes {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), u)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var versions, distinct int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&versions, &distinct); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	if versions == 0 || versions != distinct {
		t.Errorf("schema_migrations has %d rows for %d versions, want each version once", versions, distinct)
	}
}

// A writer that does not take the append lock (an older version, or a hand-made
// insert) still cannot share an index: the primary key turns the race into a conflict.
func TestUnlockedWriterLosesOnKey(t *testing.T) {
	u := storetest.PostgresURL(t)
	s := open(t, u)
	ctx := context.Background()
	other, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO entries (production, idx, body) VALUES ('p', 0, 'theirs')"); err != nil {
		t.Fatalf("insert: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Append(ctx, "p", 0, [][]byte{[]byte("ours")}, []byte("cp")) }()
	select {
	case err := <-done:
		t.Fatalf("Append returned %v while the other insert was uncommitted; want it to wait on the key", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := <-done; !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Append = %v, want ErrConflict", err)
	}
	if _, err := s.Checkpoint(ctx, "p"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Checkpoint after the lost append = %v, want ErrNotFound", err)
	}
	es, err := s.Entries(ctx, "p", 0, 10)
	if err != nil || len(es) != 1 || string(es[0].Body) != "theirs" {
		t.Errorf("Entries = %v, %v; want only the other writer's row", es, err)
	}
}
