package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

// DefaultPostgresURL is the server the PostgreSQL tests use when
// COLDSET_TEST_POSTGRES is unset. Its database is only used to create and drop the
// tests' own databases.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// OpenSQLite opens a store on a new database file in a temporary directory, closed
// when the test ends.
func OpenSQLite(tb testing.TB) store.Backend {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "coldset.db")
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close sqlite: %v", err)
		}
	})
	remember(tb, s, "sqlite", path+"?_pragma=busy_timeout(5000)")
	return s
}

// OpenPostgres opens a store on a new PostgreSQL database (see PostgresURL), closed
// and dropped when the test ends.
func OpenPostgres(tb testing.TB) store.Backend {
	tb.Helper()
	u := PostgresURL(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	remember(tb, s, "pgx", u)
	return s
}

// PostgresURL creates a database of the test's own, coldset_t_<random hex>, on the
// server named by COLDSET_TEST_POSTGRES (default DefaultPostgresURL), and returns
// its URL. The database is dropped when the test ends, after the cleanups registered
// later (such as closing stores on it) have run. When no server answers the test is
// skipped, or fails if the environment variable CI is set.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("COLDSET_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgresURL
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("COLDSET_TEST_POSTGRES = %q: want a postgres:// URL", admin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) || os.Getenv("CI") != "" {
			tb.Fatalf("connect to test PostgreSQL %s: %v", u.Redacted(), err)
		}
		tb.Skipf("no test PostgreSQL at %s (set COLDSET_TEST_POSTGRES): %v", u.Redacted(), err)
	}
	defer conn.Close(ctx)

	var random [8]byte
	rand.Read(random[:])
	name := "coldset_t_" + hex.EncodeToString(random[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() { dropDatabase(tb, admin, name) })
	u.Path = "/" + name
	return u.String()
}

// dropDatabase drops name, ending any sessions a test left open on it.
func dropDatabase(tb testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		tb.Errorf("drop test database %s: %v", name, err)
	}
}

// opened maps the stores OpenSQLite and OpenPostgres returned to their databases,
// for Exec.
var opened sync.Map // store.Store -> database

type database struct{ driver, dsn string }

func remember(tb testing.TB, s store.Store, driver, dsn string) {
	opened.Store(s, database{driver, dsn})
	tb.Cleanup(func() { opened.Delete(s) })
}

// Exec runs one SQL statement on the database behind st, which OpenSQLite or
// OpenPostgres returned, over a connection of its own, and returns the number of rows
// it changed. It is how a test changes stored rows behind the store's back, as
// someone with access to the database could. Placeholders are the backend's own:
// ? for SQLite, $1 for PostgreSQL.
func Exec(tb testing.TB, st store.Store, query string, args ...any) int64 {
	tb.Helper()
	v, ok := opened.Load(st)
	if !ok {
		tb.Fatalf("storetest.Exec: %T was not opened by storetest", st)
	}
	d := v.(database)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if d.driver == "pgx" {
		conn, err := pgx.Connect(ctx, d.dsn)
		if err != nil {
			tb.Fatalf("storetest.Exec: %v", err)
		}
		defer conn.Close(ctx)
		tag, err := conn.Exec(ctx, query, args...)
		if err != nil {
			tb.Fatalf("storetest.Exec %s: %v", query, err)
		}
		return tag.RowsAffected()
	}
	db, err := sql.Open(d.driver, d.dsn)
	if err != nil {
		tb.Fatalf("storetest.Exec: %v", err)
	}
	defer db.Close()
	res, err := db.ExecContext(ctx, query, args...)
	if err != nil {
		tb.Fatalf("storetest.Exec %s: %v", query, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		tb.Fatalf("storetest.Exec %s: %v", query, err)
	}
	return n
}
