package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"coldset/internal/ledger"
	"coldset/internal/store/postgres"
	"coldset/internal/store/storetest"
)

// The SQLite store's fixture of the first schema: its rows are loaded into a
// PostgreSQL database that has only migration 0001.
const (
	fixtureDB  = "../sqlite/testdata/schema-0001.sqlite"
	fixtureKey = "../sqlite/testdata/schema-0001.signer"
	fixtureID  = "old-creek"
)

// TestOpenSchema0001Database opens a database left at the first schema, holding
// signed entries: the later migrations apply, the entries are intact and verify,
// and the outbox starts after the entries that were there before it.
func TestOpenSchema0001Database(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	schema, err := os.ReadFile("migrations/0001_entries_checkpoints.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
		string(schema),
		`INSERT INTO schema_migrations (version, name) VALUES (1, '0001_entries_checkpoints.sql')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old, err := sql.Open("sqlite", "file:"+fixtureDB+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	copyRows(t, old, conn, "SELECT production, idx, body FROM entries", "INSERT INTO entries VALUES ($1, $2, $3)")
	copyRows(t, old, conn, "SELECT production, size, signed FROM checkpoints", "INSERT INTO checkpoints VALUES ($1, $2, $3)")

	st, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("open a schema-0001 database: %v", err)
	}
	defer st.Close()
	var applied int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied); err != nil || applied < 2 {
		t.Fatalf("%d migrations recorded after opening (%v), want them all", applied, err)
	}
	signer, err := ledger.LoadKey(fixtureKey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ledger.Verify(ctx, st, signer.Verifier(), fixtureID, nil)
	if err != nil || v.Size == 0 {
		t.Fatalf("verify the migrated log: %+v, %v", v, err)
	}
	var next int64
	if err := conn.QueryRow(ctx, "SELECT next FROM outbox_cursors WHERE production = $1", fixtureID).Scan(&next); err != nil || uint64(next) != v.Size {
		t.Fatalf("outbox cursor %d (%v), want %d: the entries from before the outbox are not to be sent", next, err, v.Size)
	}
}

// copyRows copies three-column rows from the SQLite fixture into PostgreSQL.
func copyRows(t *testing.T, from *sql.DB, to *pgx.Conn, query, insert string) {
	t.Helper()
	rows, err := from.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var p string
		var i int64
		var b []byte
		if err := rows.Scan(&p, &i, &b); err != nil {
			t.Fatal(err)
		}
		if _, err := to.Exec(context.Background(), insert, p, i, b); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Fatalf("copied %d rows: %v", n, err)
	}
}
