package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"coldset/internal/store"
)

// Archive is a backup file being written or read: see the format described in
// internal/store/backup.go. It is not safe for concurrent use.
type Archive struct {
	db      *sql.DB
	path    string // the file being read or written
	cleanup func() // removes a migrated copy made for reading
}

var _ store.Archive = (*Archive)(nil)

// CreateArchive creates a new, empty archive at path (which must not exist) with
// the current schema. The caller fills it with Load and then Seal or Close.
func CreateArchive(path string) (*Archive, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("create archive %s: %w", path, os.ErrExist)
	}
	s, err := Open(path)
	if err != nil {
		return nil, fmt.Errorf("create archive: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("create archive: %w", err)
	}
	db, err := rawOpen(path)
	if err != nil {
		return nil, fmt.Errorf("create archive: %w", err)
	}
	return &Archive{db: db, path: path, cleanup: func() {}}, nil
}

// OpenArchive opens the archive at path for reading. An archive made by an older
// coldset is brought up to the current schema in a temporary copy; the file at
// path is never changed.
func OpenArchive(path string) (*Archive, error) {
	if err := checkArchive(path); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "coldset-archive-")
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	work := filepath.Join(dir, "archive.db")
	if err := copyFile(path, work); err != nil {
		cleanup()
		return nil, fmt.Errorf("open archive: %w", err)
	}
	s, err := Open(work) // migrates
	if err == nil {
		err = s.Close()
	}
	var db *sql.DB
	if err == nil {
		db, err = rawOpen(work)
	}
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return &Archive{db: db, path: path, cleanup: cleanup}, nil
}

// checkArchive fails unless path is a SQLite file with coldset's tables.
func checkArchive(path string) error {
	db, err := rawOpen("file:" + path + "?mode=ro")
	if err != nil {
		return fmt.Errorf("open archive %s: %w", path, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('entries', 'checkpoints', 'schema_migrations')").Scan(&n)
	if err != nil {
		return fmt.Errorf("open archive %s: not a SQLite database: %w", path, err)
	}
	if n != 3 {
		return fmt.Errorf("open archive %s: not a coldset database or backup (no entries, checkpoints and schema_migrations tables)", path)
	}
	return nil
}

// rawOpen opens a database file on one connection without coldset's pragmas or
// migrations.
func rawOpen(dsn string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// SchemaVersion returns the highest migration the archive records.
func (a *Archive) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, a.db)
}

func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

// SchemaVersion returns the highest migration this coldset's SQLite store applies.
func SchemaVersion() (int, error) {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0, errors.Join(err, errors.New("no migrations"))
	}
	return ms[len(ms)-1].Version, nil
}

// Tables lists the archive's data tables (all but schema_migrations), by name.
func (a *Archive) Tables(ctx context.Context) ([]store.ArchiveTable, error) {
	return dataTables(ctx, a.db)
}

func dataTables(ctx context.Context, db *sql.DB) ([]store.ArchiveTable, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []store.ArchiveTable
	for _, n := range names {
		cols, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", n)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", n, err)
		}
		t := store.ArchiveTable{Name: n}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				cols.Close()
				return nil, fmt.Errorf("columns of %s: %w", n, err)
			}
			t.Columns = append(t.Columns, c)
		}
		cols.Close()
		out = append(out, t)
	}
	return out, nil
}

// Counts returns the number of rows of every data table.
func (a *Archive) Counts(ctx context.Context) (map[string]int64, error) {
	return counts(ctx, a.db)
}

func counts(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	ts, err := dataTables(ctx, db)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, t := range ts {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(t.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.Name, err)
		}
		out[t.Name] = n
	}
	return out, nil
}

// Scan calls fn with every row of table, the values of cols in order: int64,
// float64, string, []byte or nil, as SQLite holds them.
func (a *Archive) Scan(ctx context.Context, table string, cols []string, fn func(vals []any) error) error {
	rows, err := a.db.QueryContext(ctx, "SELECT "+quoteAll(cols)+" FROM "+quote(table))
	if err != nil {
		return fmt.Errorf("read archive %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read archive %s: %w", table, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read archive %s: %w", table, err)
	}
	return nil
}

// Load runs fn in one transaction on the archive; put inserts one row.
func (a *Archive) Load(ctx context.Context, fn func(put func(table string, cols []string, vals []any) error) error) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	put := func(table string, cols []string, vals []any) error {
		st := stmts[table]
		if st == nil {
			q := "INSERT INTO " + quote(table) + " (" + quoteAll(cols) + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return fmt.Errorf("write archive %s: %w", table, err)
			}
			stmts[table] = st
		}
		if _, err := st.ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("write archive %s: %w", table, err)
		}
		return nil
	}
	if err := fn(put); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write archive: commit: %w", err)
	}
	return nil
}

// Seal makes a written archive one self-contained file (rollback journal, no
// -wal beside it), syncs it and closes it.
func (a *Archive) Seal(ctx context.Context) error {
	if _, err := a.db.ExecContext(ctx, "PRAGMA journal_mode = DELETE"); err != nil {
		a.Close()
		return fmt.Errorf("seal archive: %w", err)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("seal archive: %w", err)
	}
	return syncFile(a.path)
}

// Close closes the archive and removes any temporary copy.
func (a *Archive) Close() error {
	err := a.db.Close()
	a.cleanup()
	return err
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
