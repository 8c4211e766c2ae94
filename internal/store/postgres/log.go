package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"coldset/internal/store"
)

// appendLockClass is the first key of the per-production transaction lock
// pg_advisory_xact_lock(appendLockClass, hashtext(production)).
const appendLockClass int32 = 0x636f6c64 // "cold"

// uniqueViolation is the SQLSTATE of a duplicate primary key.
const uniqueViolation = "23505"

// Append writes bodies at next, next+1, ... and the checkpoint in one transaction,
// or returns an error wrapping store.ErrConflict, having written nothing, when the
// log's size is not next. It returns after the commit. An empty checkpoint stores
// none; with no bodies, the checkpoint replaces any stored for the current size.
//
// Appenders to one production first queue on an advisory lock, so a loser usually
// learns of the conflict from the size check before sending its rows; the primary
// key decides if an appender does not take the lock.
func (s *Store) Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("append %s: begin: %w", production, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	// Two statements, not one: under READ COMMITTED each takes its own snapshot, so
	// the size is read after the lock is held and sees the previous holder's commit.
	var b pgx.Batch
	b.Queue("SELECT pg_advisory_xact_lock($1, hashtext($2))", appendLockClass, production)
	b.Queue("SELECT max(idx) FROM entries WHERE production = $1", production)
	br := tx.SendBatch(ctx, &b)
	_, err = br.Exec()
	var last *int64
	if err == nil {
		err = br.QueryRow().Scan(&last)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append %s: size: %w", production, err)
	}
	var size uint64
	if last != nil {
		size = uint64(*last) + 1
	}
	if size != next {
		return fmt.Errorf("append %s at %d: log size is %d: %w", production, next, size, store.ErrConflict)
	}
	if next > math.MaxInt64-uint64(len(bodies)) {
		return fmt.Errorf("append %s at %d: %d entries overflow the index", production, next, len(bodies))
	}

	b = pgx.Batch{}
	if len(bodies) > 0 {
		rows := make([][]byte, len(bodies))
		for i, body := range bodies {
			if body == nil {
				body = []byte{} // NOT NULL: an empty body is still a body
			}
			rows[i] = body
		}
		// One statement for the whole batch: the bodies travel as one bytea[] and
		// unnest numbers them, so 1000 rows cost one round trip.
		b.Queue(`INSERT INTO entries (production, idx, body)
			SELECT $1, $2::bigint + t.n - 1, t.body FROM unnest($3::bytea[]) WITH ORDINALITY AS t(body, n)`,
			production, int64(next), rows)
	}
	if len(checkpoint) > 0 {
		b.Queue(`INSERT INTO checkpoints (production, size, signed) VALUES ($1, $2, $3)
			ON CONFLICT (production, size) DO UPDATE SET signed = excluded.signed`,
			production, int64(next)+int64(len(bodies)), checkpoint)
	}
	if b.Len() > 0 {
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return conflictOr(fmt.Errorf("append %s at %d: insert: %w", production, next, err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return conflictOr(fmt.Errorf("append %s at %d: commit: %w", production, next, err))
	}
	return nil
}

// conflictOr marks a unique violation, another process having written the same
// index first, as store.ErrConflict.
func conflictOr(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}

// Size returns one more than the highest stored index of production (0 if none).
func (s *Store) Size(ctx context.Context, production string) (uint64, error) {
	var last *int64
	if err := s.pool.QueryRow(ctx, "SELECT max(idx) FROM entries WHERE production = $1", production).Scan(&last); err != nil {
		return 0, fmt.Errorf("size of %s: %w", production, err)
	}
	if last == nil {
		return 0, nil
	}
	return uint64(*last) + 1, nil
}

// Entries returns the stored rows of production with from <= index < to, in index
// order, streamed from one query.
func (s *Store) Entries(ctx context.Context, production string, from, to uint64) ([]store.Entry, error) {
	to = min(to, math.MaxInt64)
	if from >= to {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx,
		"SELECT idx, body FROM entries WHERE production = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
		production, int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("entries %s [%d, %d): %w", production, from, to, err)
	}
	defer rows.Close()
	out := make([]store.Entry, 0, min(to-from, 1024))
	for rows.Next() {
		var idx int64
		var body []byte
		if err := rows.Scan(&idx, &body); err != nil {
			return nil, fmt.Errorf("entries %s: scan: %w", production, err)
		}
		if body == nil {
			body = []byte{}
		}
		out = append(out, store.Entry{Index: uint64(idx), Body: body})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("entries %s [%d, %d): %w", production, from, to, err)
	}
	return out, nil
}

// Checkpoint returns the stored checkpoint of production with the highest size, or
// an error wrapping store.ErrNotFound.
func (s *Store) Checkpoint(ctx context.Context, production string) ([]byte, error) {
	var signed []byte
	err := s.pool.QueryRow(ctx,
		"SELECT signed FROM checkpoints WHERE production = $1 ORDER BY size DESC LIMIT 1", production).Scan(&signed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("checkpoint of %s: %w", production, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint of %s: %w", production, err)
	}
	return signed, nil
}

// Productions lists the productions with at least one entry, sorted by bytes (as Go
// sorts strings, whatever the database's collation). It walks the primary key from
// one production to the next rather than reading every entry.
func (s *Store) Productions(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE p(name) AS (
			SELECT min(production) FROM entries
			UNION ALL
			SELECT (SELECT min(production) FROM entries WHERE production > p.name) FROM p WHERE p.name IS NOT NULL
		)
		SELECT name FROM p WHERE name IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("list productions: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list productions: %w", err)
	}
	sort.Strings(out)
	return out, nil
}
