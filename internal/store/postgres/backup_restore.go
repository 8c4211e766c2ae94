package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"coldset/internal/store"
)

// Restore loads the archive a (opened by the SQLite backend's OpenArchive, which
// brings an archive of an older coldset up to the current schema) into the
// database at url, migrating the database first. It all happens in one
// transaction: a failed restore leaves the database as it was. A database holding
// any row is left alone and ErrNotEmpty returned, unless force; with force every
// coldset table is emptied first. Identity sequences continue after the
// restored ids. No server should use the database while it runs.
func Restore(ctx context.Context, url string, a store.Archive, force bool) error {
	s, err := Open(ctx, url)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer s.Close()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tables, err := matchSchemas(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := emptyOrForced(ctx, tx, tables, force); err != nil {
			return err
		}
		if tables, err = parentsFirst(ctx, tx, tables); err != nil {
			return err
		}
		for _, t := range tables {
			if err := loadTable(ctx, tx, a, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// emptyOrForced fails with ErrNotEmpty if any table holds a row, unless force,
// in which case it empties them all.
func emptyOrForced(ctx context.Context, tx pgx.Tx, tables []table, force bool) error {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = pgx.Identifier{t.name}.Sanitize()
		var any bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+names[i]+")").Scan(&any); err != nil {
			return fmt.Errorf("check %s is empty: %w", t.name, err)
		}
		if any && !force {
			return fmt.Errorf("table %s has rows: %w (use --force to replace them)", t.name, store.ErrNotEmpty)
		}
	}
	if force {
		if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(names, ", ")+" RESTART IDENTITY"); err != nil {
			return fmt.Errorf("empty the database: %w", err)
		}
	}
	return nil
}

// parentsFirst orders tables so that every table comes after the tables its
// foreign keys refer to.
func parentsFirst(ctx context.Context, tx pgx.Tx, tables []table) ([]table, error) {
	rows, err := tx.Query(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
		WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	parents := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read foreign keys: %w", err)
		}
		parents[child] = append(parents[child], parent)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	var out []table
	done := map[string]bool{}
	for len(out) < len(tables) {
		progress := false
		for _, t := range tables {
			if done[t.name] || slices.ContainsFunc(parents[t.name], func(p string) bool { return !done[p] && p != t.name }) {
				continue
			}
			out, done[t.name], progress = append(out, t), true, true
		}
		if !progress {
			return nil, fmt.Errorf("foreign keys form a cycle among %v", parents)
		}
	}
	return out, nil
}

// loadTable streams the archive's rows of t into the database with COPY, and
// moves t's identity sequence past the restored ids.
func loadTable(ctx context.Context, tx pgx.Tx, a store.Archive, t table) error {
	errStop := errors.New("stop")
	next, stop := iter.Pull2(func(yield func([]any, error) bool) {
		err := a.Scan(ctx, t.name, t.names(), func(vals []any) error {
			row := make([]any, len(vals))
			for i, v := range vals {
				cv, err := fromArchive(t.cols[i], v)
				if err != nil {
					return fmt.Errorf("restore %s.%s: %w", t.name, t.cols[i].name, err)
				}
				row[i] = cv
			}
			if !yield(row, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(nil, err)
		}
	})
	defer stop()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.names(), pgx.CopyFromFunc(func() ([]any, error) {
		row, err, _ := next() // after the last row: nil, nil, the end of the data
		return row, err
	}))
	if err != nil {
		return fmt.Errorf("restore %s: %w", t.name, err)
	}
	if t.identity != "" && n > 0 {
		id := pgx.Identifier{t.identity}.Sanitize()
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(%s) FROM %s))", id, pgx.Identifier{t.name}.Sanitize())
		if _, err := tx.Exec(ctx, q, t.name, t.identity); err != nil {
			return fmt.Errorf("restore %s: identity: %w", t.name, err)
		}
	}
	return nil
}

// fromArchive converts an archive value to what pgx sends for column c.
func fromArchive(c column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.typ {
	case "timestamp with time zone":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("want Unix microseconds, got %T", v)
		}
		switch n {
		case math.MinInt64:
			return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, nil
		case math.MaxInt64:
			return pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}, nil
		}
		return time.UnixMicro(n).UTC(), nil
	case "boolean":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("want 0 or 1, got %T", v)
		}
		return n != 0, nil
	case "text", "json", "jsonb":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	}
	return v, nil
}
