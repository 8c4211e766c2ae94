package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"coldset/internal/store"
)

// AddCosignature keeps a witness's cosigned checkpoint; one already kept for the same
// production, witness and size stays as it was.
func (s *Store) AddCosignature(ctx context.Context, c store.Cosignature) (err error) {
	defer markFault(&err)
	_, err = s.pool.Exec(ctx,
		`INSERT INTO witness_cosignatures (production, witness, size, note) VALUES ($1, $2, $3, $4)
		ON CONFLICT (production, witness, size) DO NOTHING`,
		c.Production, c.Witness, int64(c.Size), c.Note)
	if err != nil {
		return fmt.Errorf("keep cosignature of %s by %s at %d: %w", c.Production, c.Witness, c.Size, err)
	}
	return nil
}

// LatestCosignatures returns each witness's cosignature of the largest size of
// production's log, sorted by witness name.
func (s *Store) LatestCosignatures(ctx context.Context, production string) (_ []store.Cosignature, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx,
		`SELECT DISTINCT ON (witness) witness, size, note FROM witness_cosignatures
		WHERE production = $1 ORDER BY witness, size DESC`, production)
	if err != nil {
		return nil, fmt.Errorf("cosignatures of %s: %w", production, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Cosignature, error) {
		c := store.Cosignature{Production: production}
		var size int64
		err := row.Scan(&c.Witness, &size, &c.Note)
		c.Size = uint64(size)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("cosignatures of %s: %w", production, err)
	}
	return out, nil
}
