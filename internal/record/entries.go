package record

import (
	"context"
	"fmt"

	"coldset/internal/ledger"
	"coldset/internal/rules"
)

// Entry is one entry read back from the ledger with its payload decoded
// (rules.DecodePayload): a pointer to the rules' payload type of its Type, or nil when
// it does not decode.
type Entry struct {
	ledger.Entry
	Payload any
}

// Entries reads the entries at indexes at (ascending) from l, oldest first. Entries
// next to each other in the log are read together, so reading a thread costs the
// thread, not the log.
func Entries(ctx context.Context, l *ledger.Log, at []uint64) ([]Entry, error) {
	out := make([]Entry, 0, len(at))
	for i := 0; i < len(at); {
		j := i + 1
		for j < len(at) && at[j] == at[j-1]+1 {
			j++
		}
		from, to := at[i], at[j-1]+1
		rows, err := l.Entries(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("read %s entries %d-%d: %w", l.Production(), from, to, err)
		}
		for _, row := range rows {
			e, err := ledger.DecodeEntry(row.Body)
			if err != nil {
				return nil, fmt.Errorf("read %s entry %d: %w", l.Production(), row.Index, err)
			}
			out = append(out, decoded(e))
		}
		i = j
	}
	return out, nil
}

// decoded pairs e with its decoded payload.
func decoded(e ledger.Entry) Entry {
	p, err := rules.DecodePayload(e.Type, e.Payload)
	if err != nil {
		p = nil // an entry of another shape shows without its words
	}
	return Entry{Entry: e, Payload: p}
}
