package sqlite

import (
	"context"
	"fmt"

	"coldset/internal/store"
)

// AddCosignature keeps a witness's cosigned checkpoint; one already kept for the same
// production, witness and size stays as it was.
func (s *Store) AddCosignature(ctx context.Context, c store.Cosignature) (err error) {
	defer markFault(&err)
	_, err = s.write.ExecContext(ctx,
		`INSERT INTO witness_cosignatures (production, witness, size, note) VALUES (?, ?, ?, ?)
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
	// SQLite returns the other columns of the row holding max(size) (a bare-column
	// aggregate), which the primary key finds without a sort.
	rows, err := s.read.QueryContext(ctx,
		`SELECT witness, max(size), note FROM witness_cosignatures WHERE production = ?
		GROUP BY witness ORDER BY witness`, production)
	if err != nil {
		return nil, fmt.Errorf("cosignatures of %s: %w", production, err)
	}
	defer rows.Close()
	var out []store.Cosignature
	for rows.Next() {
		c := store.Cosignature{Production: production}
		var size int64
		if err := rows.Scan(&c.Witness, &size, &c.Note); err != nil {
			return nil, fmt.Errorf("cosignatures of %s: scan: %w", production, err)
		}
		c.Size = uint64(size)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cosignatures of %s: %w", production, err)
	}
	return out, nil
}
