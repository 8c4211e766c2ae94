package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store/postgres"
	"coldset/internal/store/storetest"
)

// TestWatchTellsEveryAppend checks that appends from another store on the database
// are told, once committed, and that a watch whose connection the server ends comes
// back and says that appends may have been missed.
func TestWatchTellsEveryAppend(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := open(t, url)
	ch, err := st.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := open(t, url)
	if err := other.Append(ctx, "p1", 0, [][]byte{[]byte("a")}, []byte("cp")); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch); got != "p1" {
		t.Fatalf("notified %q, want p1", got)
	}
	// A conflicting append commits nothing and tells nothing.
	if err := other.Append(ctx, "p1", 0, [][]byte{[]byte("a")}, []byte("cp")); err == nil {
		t.Fatal("append at a taken index: got nil error")
	}

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch); got != "" {
		t.Fatalf("after reconnecting notified %q, want \"\"", got)
	}
	if err := other.Append(ctx, "p2", 0, [][]byte{[]byte("b")}, []byte("cp")); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch); got != "p2" {
		t.Fatalf("notified %q, want p2", got)
	}
	cancel()
	for range ch {
	}
}

// TestCloseEndsWatch checks that closing the store closes the watch's channel.
func TestCloseEndsWatch(t *testing.T) {
	st, err := postgres.Open(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("got a notification, want the channel closed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watch channel is still open 10s after Close")
	}
}

func receive(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10s")
		return ""
	}
}
