package sqlite

import (
	"context"
	"fmt"
)

// Checkpoints returns every stored checkpoint of production in increasing size, for
// verification to narrow a mismatch down to the entries between two checkpoints
// (it implements ledger.CheckpointHistory).
func (s *Store) Checkpoints(ctx context.Context, production string) (_ [][]byte, err error) {
	defer markFault(&err)
	rows, err := s.read.QueryContext(ctx,
		"SELECT signed FROM checkpoints WHERE production = ? ORDER BY size", production)
	if err != nil {
		return nil, fmt.Errorf("checkpoints of %s: %w", production, err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var signed []byte
		if err := rows.Scan(&signed); err != nil {
			return nil, fmt.Errorf("checkpoints of %s: scan: %w", production, err)
		}
		out = append(out, signed)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("checkpoints of %s: %w", production, err)
	}
	return out, nil
}
