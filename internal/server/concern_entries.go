package server

import (
	"context"
	"fmt"

	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// concernEntries reads concern id's own entries from p's ledger, oldest first: its
// filing, answers, reopenings and escalations, found by the indexes the rules' state
// keeps of them (rules.State.ConcernEntries). It costs the concern's thread, not the
// log, and finds the words of a concern however old it is.
func concernEntries(ctx context.Context, p *production.Production, id string) ([]ledger.Entry, error) {
	var at []uint64
	p.View(func(st *rules.State) { at = st.ConcernEntries(id) })
	out := make([]ledger.Entry, 0, len(at))
	for i := 0; i < len(at); {
		// Entries next to each other in the log are read together.
		j := i + 1
		for j < len(at) && at[j] == at[j-1]+1 {
			j++
		}
		from, to := at[i], at[j-1]+1
		rows, err := p.Log().Entries(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("read %s entries %d-%d of concern %s: %w", p.ID(), from, to, id, err)
		}
		for _, row := range rows {
			e, err := ledger.DecodeEntry(row.Body)
			if err != nil {
				return nil, fmt.Errorf("read %s entry %d: %w", p.ID(), row.Index, err)
			}
			out = append(out, e)
		}
		i = j
	}
	return out, nil
}
