package server

import (
	"context"

	"coldset/internal/production"
	"coldset/internal/record"
	"coldset/internal/rules"
)

// concernEntries reads concern id's own entries from p's ledger, oldest first, by the
// indexes the rules' state keeps of them (record.ConcernThread), however old.
func concernEntries(ctx context.Context, p *production.Production, id string) ([]record.Entry, error) {
	var at []uint64
	p.View(func(st *rules.State) { at = st.ConcernEntries(id) })
	return record.ConcernThread(ctx, p.Log(), at, id)
}
