package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
)

// Backup writes every coldset table of the database at url to a new archive at
// out (the SQLite file described in internal/store/backup.go), while servers go on
// appending. All tables are read in one REPEATABLE READ, READ ONLY transaction:
// the archive is one snapshot, so every checkpoint in it covers entries that are
// in it too. out appears only once complete and synced. The database must be at
// the schema version of this coldset (any coldset command migrates it).
//
// create makes the archive, empty, at the path it is given: the SQLite backend's
// CreateArchive, whose schema is the archive's.
func Backup(ctx context.Context, url, out string, create func(path string) (store.Archive, error)) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup to %s: %w", out, fs.ErrExist)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("backup: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tmp := out + ".partial"
	os.Remove(tmp) // left by a backup that was interrupted
	a, err := create(tmp)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		tables, err := matchSchemas(ctx, tx, a)
		if err != nil {
			return err
		}
		return a.Load(ctx, func(put func(string, []string, []any) error) error {
			for _, t := range tables {
				if err := dumpTable(ctx, tx, t, put); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err == nil {
		err = a.Seal(ctx)
	} else {
		a.Close()
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	return store.Publish(tmp, out)
}

// dumpTable copies every row of t into the archive, each value converted to its
// archive form by the SELECT.
func dumpTable(ctx context.Context, tx pgx.Tx, t table, put func(string, []string, []any) error) error {
	exprs := make([]string, len(t.cols))
	for i, c := range t.cols {
		exprs[i] = toArchive(c)
	}
	rows, err := tx.Query(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+pgx.Identifier{t.name}.Sanitize())
	if err != nil {
		return fmt.Errorf("dump %s: %w", t.name, err)
	}
	defer rows.Close()
	names := t.names()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return fmt.Errorf("dump %s: %w", t.name, err)
		}
		if err := put(t.name, names, vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dump %s: %w", t.name, err)
	}
	return nil
}

// matchSchemas checks that the database is at this coldset's schema version and
// has the tables and columns of the archive's (current) schema, and returns the
// tables with their PostgreSQL types, in the archive's order. The two backends
// number their migrations separately; what must agree is the tables.
func matchSchemas(ctx context.Context, q querier, a store.Archive) ([]table, error) {
	var pgVersion *int
	if err := q.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&pgVersion); err != nil {
		return nil, fmt.Errorf("schema version: %w", err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	if want := ms[len(ms)-1].Version; pgVersion == nil || *pgVersion != want {
		v := 0
		if pgVersion != nil {
			v = *pgVersion
		}
		return nil, fmt.Errorf("the database is at schema version %d, this coldset's at %d: use the coldset that serves it (any coldset command migrates an older database)", v, want)
	}
	pgTables, err := columnTypes(ctx, q)
	if err != nil {
		return nil, err
	}
	archived, err := a.Tables(ctx)
	if err != nil {
		return nil, err
	}
	var out []table
	for _, at := range archived {
		pt, ok := pgTables[at.Name]
		if !ok {
			return nil, fmt.Errorf("table %s is in the archive schema but not in the database", at.Name)
		}
		delete(pgTables, at.Name)
		if !slices.Equal(slices.Sorted(slices.Values(pt.names())), slices.Sorted(slices.Values(at.Columns))) {
			return nil, fmt.Errorf("table %s: the database has columns %v, the archive %v", at.Name, pt.names(), at.Columns)
		}
		out = append(out, pt)
	}
	for name := range pgTables {
		return nil, fmt.Errorf("table %s of the database has no place in the archive", name)
	}
	return out, nil
}

// querier is what both a connection and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// table is one coldset table of the database: its columns and their types.
type table struct {
	name     string
	cols     []column
	identity string // the column generated always as identity, if any
}

type column struct{ name, typ string }

func (t table) names() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}

// columnTypes reads the columns of every table in the current schema but
// schema_migrations.
func columnTypes(ctx context.Context, q querier) (map[string]table, error) {
	rows, err := q.Query(ctx, `SELECT table_name, column_name, data_type, is_identity = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name != 'schema_migrations'
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	defer rows.Close()
	out := map[string]table{}
	for rows.Next() {
		var tname, cname, typ string
		var identity bool
		if err := rows.Scan(&tname, &cname, &typ, &identity); err != nil {
			return nil, fmt.Errorf("read columns: %w", err)
		}
		t := out[tname]
		t.name = tname
		t.cols = append(t.cols, column{cname, typ})
		if identity {
			t.identity = cname
		}
		out[tname] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	for _, t := range out {
		for _, c := range t.cols {
			if !supported[c.typ] {
				return nil, fmt.Errorf("table %s column %s: type %s has no archive form", t.name, c.name, c.typ)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the database has no coldset tables")
	}
	return out, nil
}

// supported are the PostgreSQL types coldset's tables use, which convert to and
// from the archive's SQLite values.
var supported = map[string]bool{
	"bigint": true, "integer": true, "smallint": true, "text": true, "bytea": true,
	"boolean": true, "jsonb": true, "json": true, "timestamp with time zone": true,
}

// toArchive is the SELECT expression giving column c's archive form.
func toArchive(c column) string {
	id := pgx.Identifier{c.name}.Sanitize()
	switch c.typ {
	case "timestamp with time zone":
		return fmt.Sprintf(`CASE WHEN %[1]s IS NULL THEN NULL
			WHEN %[1]s = '-infinity' THEN -9223372036854775808
			WHEN %[1]s = 'infinity' THEN 9223372036854775807
			ELSE (extract(epoch FROM %[1]s) * 1000000)::bigint END`, id)
	case "boolean":
		return id + "::int"
	case "json", "jsonb":
		return id + "::text"
	}
	return id
}
