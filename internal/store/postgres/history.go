package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Checkpoints returns every stored checkpoint of production in increasing size, for
// verification to narrow a mismatch down to the entries between two checkpoints
// (it implements ledger.CheckpointHistory).
func (s *Store) Checkpoints(ctx context.Context, production string) (_ [][]byte, err error) {
	defer markFault(&err)
	rows, err := s.pool.Query(ctx,
		"SELECT signed FROM checkpoints WHERE production = $1 ORDER BY size", production)
	if err != nil {
		return nil, fmt.Errorf("checkpoints of %s: %w", production, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("checkpoints of %s: %w", production, err)
	}
	return out, nil
}
