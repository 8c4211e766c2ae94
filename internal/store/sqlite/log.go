package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"coldset/internal/store"
)

// maxRowsPerInsert bounds one INSERT statement (3 parameters a row, far below
// SQLite's limit of 32766). Batches are cut into statements of 256, 128, ..., 1
// rows, so at most nine statements are ever prepared.
const maxRowsPerInsert = 256

// Append writes bodies at next, next+1, ... and the checkpoint in one transaction,
// or returns an error wrapping store.ErrConflict, having written nothing, when the
// log's size is not next. It returns after the commit has been fsynced. An empty
// checkpoint stores none; with no bodies, the checkpoint replaces any stored for
// the current size.
func (s *Store) Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) (err error) {
	defer markFault(&err)
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append %s: begin: %w", production, err)
	}
	defer tx.Rollback()

	size, err := logSize(ctx, stmtQuerier{tx.StmtContext(ctx, s.sizeStmt)}, production)
	if err != nil {
		return fmt.Errorf("append %s: %w", production, err)
	}
	if size != next {
		return fmt.Errorf("append %s at %d: log size is %d: %w", production, next, size, store.ErrConflict)
	}
	if next > math.MaxInt64-uint64(len(bodies)) {
		return fmt.Errorf("append %s at %d: %d entries overflow the index", production, next, len(bodies))
	}
	for i := 0; i < len(bodies); {
		n := chunk(len(bodies) - i)
		args := make([]any, 0, 3*n)
		for j, b := range bodies[i : i+n] {
			if b == nil {
				b = []byte{} // NOT NULL: an empty body is still a body
			}
			args = append(args, production, int64(next)+int64(i+j), b)
		}
		if _, err := tx.StmtContext(ctx, s.inserts[n]).ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("append %s at %d: insert: %w", production, next+uint64(i), err)
		}
		i += n
	}
	if len(checkpoint) > 0 {
		if _, err := tx.StmtContext(ctx, s.checkpointStmt).ExecContext(ctx,
			production, int64(next)+int64(len(bodies)), checkpoint); err != nil {
			return fmt.Errorf("append %s: checkpoint: %w", production, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append %s: commit: %w", production, err)
	}
	written := len(checkpoint)
	for _, b := range bodies {
		written += len(b)
	}
	s.ckpt.wrote(written)
	return nil
}

// chunk returns the largest statement size, a power of two up to maxRowsPerInsert,
// that fits in remaining rows.
func chunk(remaining int) int {
	n := maxRowsPerInsert
	for n > remaining {
		n /= 2
	}
	return n
}

// prepareInserts prepares Append's statements: the size query, the checkpoint's
// insert and the multi-row inserts, one per statement size; parsing them on every
// append would cost about as much CPU as the rest of it. It runs before any append:
// preparing on the single write connection while a transaction holds it would wait
// forever.
func (s *Store) prepareInserts(ctx context.Context) error {
	var err error
	if s.sizeStmt, err = s.write.PrepareContext(ctx, sizeQuery); err != nil {
		return fmt.Errorf("prepare size query: %w", err)
	}
	if s.checkpointStmt, err = s.write.PrepareContext(ctx, `INSERT INTO checkpoints (production, size, signed) VALUES (?, ?, ?)
		ON CONFLICT (production, size) DO UPDATE SET signed = excluded.signed`); err != nil {
		return fmt.Errorf("prepare checkpoint insert: %w", err)
	}
	for n := maxRowsPerInsert; n >= 1; n /= 2 {
		q := "INSERT INTO entries (production, idx, body) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare insert of %d rows: %w", n, err)
		}
		s.inserts[n] = st
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtQuerier runs a prepared size query as a querier.
type stmtQuerier struct{ st *sql.Stmt }

func (q stmtQuerier) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return q.st.QueryRowContext(ctx, args...)
}

const sizeQuery = "SELECT max(idx) FROM entries WHERE production = ?"

func logSize(ctx context.Context, q querier, production string) (uint64, error) {
	var last sql.NullInt64
	if err := q.QueryRowContext(ctx, sizeQuery, production).Scan(&last); err != nil {
		return 0, fmt.Errorf("size: %w", err)
	}
	if !last.Valid {
		return 0, nil
	}
	return uint64(last.Int64) + 1, nil
}

// Size returns one more than the highest stored index of production (0 if none).
func (s *Store) Size(ctx context.Context, production string) (_ uint64, err error) {
	defer markFault(&err)
	n, err := logSize(ctx, s.read, production)
	if err != nil {
		return 0, fmt.Errorf("sqlite %s: %w", production, err)
	}
	return n, nil
}

// Entries returns the stored rows of production with from <= index < to, in index
// order, read in one query.
func (s *Store) Entries(ctx context.Context, production string, from, to uint64) (_ []store.Entry, err error) {
	defer markFault(&err)
	to = min(to, math.MaxInt64)
	if from >= to {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx,
		"SELECT idx, body FROM entries WHERE production = ? AND idx >= ? AND idx < ? ORDER BY idx",
		production, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("entries %s [%d, %d): %w", production, from, to, err)
	}
	defer rows.Close()
	return store.ScanEntries[sql.RawBytes](rows, production, from, to)
}

// Checkpoint returns the stored checkpoint of production with the highest size, or
// an error wrapping store.ErrNotFound.
func (s *Store) Checkpoint(ctx context.Context, production string) (_ []byte, err error) {
	defer markFault(&err)
	var signed []byte
	err = s.read.QueryRowContext(ctx,
		"SELECT signed FROM checkpoints WHERE production = ? ORDER BY size DESC LIMIT 1", production).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("checkpoint of %s: %w", production, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint of %s: %w", production, err)
	}
	return signed, nil
}

// Productions lists the productions with at least one entry, sorted. It walks the
// primary key from one production to the next rather than reading every entry.
func (s *Store) Productions(ctx context.Context) (_ []string, err error) {
	defer markFault(&err)
	rows, err := s.read.QueryContext(ctx, `WITH RECURSIVE p(name) AS (
			SELECT min(production) FROM entries
			UNION ALL
			SELECT (SELECT min(production) FROM entries WHERE production > p.name) FROM p WHERE p.name IS NOT NULL
		)
		SELECT name FROM p WHERE name IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("list productions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("list productions: scan: %w", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list productions: %w", err)
	}
	sort.Strings(out)
	return out, nil
}
