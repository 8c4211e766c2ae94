package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/sqlite"
)

// The fixture is a database written by the first schema (migration 0001: entries
// and checkpoints only), holding a small production signed with the fixture key.
// Regenerate it with COLDSET_REGEN_FIXTURES=1 go test -run TestGenerateSchema0001Fixture.
const (
	fixtureDB  = "testdata/schema-0001.sqlite"
	fixtureKey = "testdata/schema-0001.signer" // a note signer key for tests only
	fixtureID  = "old-creek"
)

// storedRow is one entry or checkpoint row, as bytes to compare.
type storedRow struct {
	key  string
	body []byte
}

// readRows returns the entries and checkpoints rows of the database at path.
func readRows(t *testing.T, path string) []storedRow {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT 'e ' || production || ' ' || idx, body FROM entries
		UNION ALL SELECT 'c ' || production || ' ' || size, signed FROM checkpoints ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedRow
	for rows.Next() {
		var r storedRow
		if err := rows.Scan(&r.key, &r.body); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func versions(t *testing.T, path string) []int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		rows.Scan(&v)
		out = append(out, v)
	}
	return out
}

func TestOpenSchema0001Database(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := os.ReadFile(fixtureDB)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := versions(t, path); len(got) != 1 || got[0] != 1 {
		t.Fatalf("the fixture records migrations %v, want only 1", got)
	}
	before := readRows(t, path)

	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("open a schema-0001 database: %v", err)
	}
	defer st.Close()
	want, err := sqlite.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(t, path); len(got) != want || got[len(got)-1] != want {
		t.Fatalf("after opening, migrations %v are recorded, want 1..%d", got, want)
	}
	after := readRows(t, path)
	if len(after) != len(before) {
		t.Fatalf("%d entry and checkpoint rows after migrating, %d before", len(after), len(before))
	}
	for i := range before {
		if after[i].key != before[i].key || !bytes.Equal(after[i].body, before[i].body) {
			t.Fatalf("row %s changed by the migrations", before[i].key)
		}
	}

	signer, err := ledger.LoadKey(fixtureKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.Verify(ctx, st, signer.Verifier(), fixtureID, nil)
	if err != nil {
		t.Fatalf("verify the old log: %v", err)
	}
	if got.Size == 0 {
		t.Fatal("the old log is empty")
	}
	// The current code carries the old log on: its state folds, an action appends.
	p, err := production.Open(ctx, st, signer, fixtureID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(ctx, rules.Actor{Person: "ana"}, cmd("firearm.inspect", map[string]any{"firearm": "f-1", "load": "empty"}), fixtureNow().Add(time.Hour))
	p.Close()
	if err != nil || res.Outcome != rules.OK {
		t.Fatalf("inspect on the migrated production: %v %+v", err, res)
	}
	if v, err := ledger.Verify(ctx, st, signer.Verifier(), fixtureID, nil); err != nil || v.Size <= got.Size {
		t.Fatalf("verify after appending: %+v, %v", v, err)
	}
}

// fixtureNow is the clock of the fixture's production.
func fixtureNow() time.Time { return time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC) }

func cmd(do string, with map[string]any) rules.Command {
	b, _ := json.Marshal(with)
	return rules.Command{Do: do, With: b}
}

// TestGenerateSchema0001Fixture writes the fixture: a production made with the
// current code, its rows copied into a database that has only migration 0001.
func TestGenerateSchema0001Fixture(t *testing.T) {
	if os.Getenv("COLDSET_REGEN_FIXTURES") == "" {
		t.Skip("set COLDSET_REGEN_FIXTURES=1 to regenerate " + fixtureDB)
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.Remove(fixtureKey)
	signer, err := ledger.LoadOrCreateKey(fixtureKey)
	if err != nil {
		t.Fatal(err)
	}
	p, err := production.Open(ctx, st, signer, fixtureID)
	if err != nil {
		t.Fatal(err)
	}
	now := fixtureNow()
	for i, c := range []struct {
		by   string
		do   string
		with map[string]any
	}{
		{"", "production.create", map[string]any{"id": fixtureID, "name": "Old Creek", "timezone": "America/Denver"}},
		{"", "person.add", map[string]any{"id": "ana", "name": "Ana Ruiz", "roles": []string{"armorer"}, "certified_until": "2199-12-31"}},
		{"", "person.add", map[string]any{"id": "sol", "name": "Sol Park", "roles": []string{"safety_officer"}}},
		{"ana", "firearm.register", map[string]any{"id": "f-1", "serial": "S-00001", "type": "revolver", "capability": "blank_fire"}},
		{"ana", "firearm.inspect", map[string]any{"firearm": "f-1", "load": "empty"}},
		{"sol", "concern.file", map[string]any{"id": "c-1", "category": "equipment", "severity": "low", "text": "a loose holster strap"}},
		{"sol", "concern.ack", map[string]any{"concern": "c-1"}},
	} {
		res, err := p.Do(ctx, rules.Actor{Person: c.by}, cmd(c.do, c.with), now.Add(time.Duration(i)*time.Minute))
		if err != nil || res.Outcome != rules.OK {
			t.Fatalf("%s: %v %+v", c.do, err, res)
		}
	}
	p.Close()

	os.Remove(fixtureDB)
	old, err := sql.Open("sqlite", fixtureDB)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	schema, err := os.ReadFile("migrations/0001_entries_checkpoints.sql")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "new.db")
	for _, q := range []string{
		// schema_migrations as migrate.go creates it, with 0001 recorded.
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
		string(schema),
		`INSERT INTO schema_migrations VALUES (1, '0001_entries_checkpoints.sql', '2026-03-01T00:00:00.000Z')`,
		`ATTACH DATABASE '` + strings.ReplaceAll(src, "'", "''") + `' AS src`,
		`INSERT INTO entries SELECT production, idx, body FROM src.entries`,
		`INSERT INTO checkpoints SELECT production, size, signed FROM src.checkpoints`,
		`DETACH DATABASE src`,
		`VACUUM`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Logf("wrote %s and %s", fixtureDB, fixtureKey)
}
