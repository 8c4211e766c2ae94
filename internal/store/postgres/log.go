package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"coldset/internal/store"
)

// appendLockClass is the first key of the per-production transaction lock
// pg_advisory_xact_lock(appendLockClass, hashtext(production)).
const appendLockClass int32 = 0x636f6c64 // "cold"

// uniqueViolation is the SQLSTATE of a duplicate primary key.
const uniqueViolation = "23505"

// NotifyChannel is the channel every committed append notifies, with the production
// id as the payload: other processes LISTEN on it to catch up (see Watch).
const NotifyChannel = "coldset_append"

// appendSQL is one append as one statement, so that it costs one round trip and runs
// as one implicit transaction: it queues on the production's advisory lock, reads the
// log's size, and only if the size is $3 inserts the bodies and the checkpoint (none
// when empty) and notifies NotifyChannel, which is delivered only on commit. It
// returns the size it read.
//
// The size is read from the statement's snapshot, taken before the lock was granted,
// so it may miss the commit of the appender that held the lock. The primary key
// covers that: the rows of an appender that read a stale size collide with the rows
// it missed, and the whole statement fails with a unique violation.
const appendSQL = `WITH lock AS (
	SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))
), size AS (
	SELECT coalesce((SELECT max(idx) FROM entries WHERE production = $2) + 1, 0) AS n FROM lock
), ok AS (
	SELECT FROM size WHERE n = $3
), rows AS (
	INSERT INTO entries (production, idx, body)
	SELECT $2::text, $3::bigint + t.n - 1, t.body FROM ok, unnest($4::bytea[]) WITH ORDINALITY AS t(body, n)
), checkpoint AS (
	INSERT INTO checkpoints (production, size, signed)
	SELECT $2, $3 + cardinality($4::bytea[]), $5::bytea FROM ok WHERE length($5::bytea) > 0
	ON CONFLICT (production, size) DO UPDATE SET signed = excluded.signed
), notified AS (
	SELECT pg_notify('` + NotifyChannel + `', $2) FROM ok
)
SELECT n, (SELECT count(*) FROM notified) FROM size`

// Append writes bodies at next, next+1, ... and the checkpoint in one transaction,
// or returns an error wrapping store.ErrConflict, having written nothing, when the
// log's size is not next. It returns after the commit. An empty checkpoint stores
// none; with no bodies, the checkpoint replaces any stored for the current size.
// A committed append notifies NotifyChannel with the production id.
//
// The whole append is one statement, one round trip: appenders to one production
// queue on an advisory lock, and the primary key decides between an appender that
// read a stale size and the one it missed.
func (s *Store) Append(ctx context.Context, production string, next uint64, bodies [][]byte, checkpoint []byte) (err error) {
	defer markFault(&err)
	if next > math.MaxInt64-uint64(len(bodies)) {
		// No log grows that far: the caller's idea of the size is wrong.
		return fmt.Errorf("append %s at %d: %d entries pass the largest index: %w", production, next, len(bodies), store.ErrConflict)
	}
	rows := make([][]byte, len(bodies))
	for i, body := range bodies {
		if body == nil {
			body = []byte{} // NOT NULL: an empty body is still a body
		}
		rows[i] = body
	}
	if checkpoint == nil {
		checkpoint = []byte{}
	}
	var size, notified int64
	err = s.pool.QueryRow(ctx, appendSQL, appendLockClass, production, int64(next), rows, checkpoint).Scan(&size, &notified)
	if err != nil {
		return conflictOr(fmt.Errorf("append %s at %d: %w", production, next, err))
	}
	if uint64(size) != next {
		return fmt.Errorf("append %s at %d: log size is %d: %w", production, next, size, store.ErrConflict)
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
func (s *Store) Size(ctx context.Context, production string) (_ uint64, err error) {
	defer markFault(&err)
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
func (s *Store) Entries(ctx context.Context, production string, from, to uint64) (_ []store.Entry, err error) {
	defer markFault(&err)
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
	return store.ScanEntries[pgtype.DriverBytes](rows, production, from, to)
}

// Checkpoint returns the stored checkpoint of production with the highest size, or
// an error wrapping store.ErrNotFound.
func (s *Store) Checkpoint(ctx context.Context, production string) (_ []byte, err error) {
	defer markFault(&err)
	var signed []byte
	err = s.pool.QueryRow(ctx,
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
func (s *Store) Productions(ctx context.Context) (_ []string, err error) {
	defer markFault(&err)
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
