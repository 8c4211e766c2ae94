package loadmix

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"coldset/internal/ledger"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// Acks counts the actions a server acknowledged (answered 200), by action and
// subject: "concern.file c-3-41" once, "firearm.handoff f-3" once per hand-over.
// The action API does not answer ledger indexes, so an acknowledgement is checked
// by content: the log must hold at least as many entries of that type about that
// subject. A concern's id is unique, so for concerns the check is exact.
type Acks struct {
	mu sync.Mutex
	n  map[string]int
}

// NewAcks returns an empty record.
func NewAcks() *Acks { return &Acks{n: map[string]int{}} }

func (a *Acks) add(action, subject string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n[action+" "+subject]++
}

// Total returns how many acknowledgements were recorded.
func (a *Acks) Total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.n {
		n += c
	}
	return n
}

// ByAction returns the number of acknowledgements of each action.
func (a *Acks) ByAction() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, c := range a.n {
		action, _, _ := strings.Cut(k, " ")
		out[action] += c
	}
	return out
}

// Check reads production's whole log from st and fails, naming what is missing,
// unless every acknowledged action is there. It returns the log's size.
func (a *Acks) Check(ctx context.Context, st store.Store, production string) (uint64, error) {
	size, err := st.Size(ctx, production)
	if err != nil {
		return 0, fmt.Errorf("check acknowledged: %w", err)
	}
	stored := map[string]int{}
	const page = 4096
	for from := uint64(0); from < size; from += page {
		rows, err := st.Entries(ctx, production, from, min(from+page, size))
		if err != nil {
			return size, fmt.Errorf("check acknowledged: %w", err)
		}
		for _, row := range rows {
			e, err := ledger.DecodeEntry(row.Body)
			if err != nil {
				return size, fmt.Errorf("check acknowledged: entry %d: %w", row.Index, err)
			}
			stored[e.Type+" "+subject(e.Payload)]++
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var missing []string
	for _, k := range slices.Sorted(maps.Keys(a.n)) {
		if stored[k] < a.n[k] {
			missing = append(missing, fmt.Sprintf("%s (acknowledged %d, stored %d)", k, a.n[k], stored[k]))
		}
	}
	if len(missing) > 0 {
		return size, fmt.Errorf("production %s: %d acknowledged actions are missing from its log of %d entries: %s",
			production, len(missing), size, strings.Join(missing[:min(len(missing), 10)], "; "))
	}
	return size, nil
}

// subject is what an action or event is about: its firearm, its concern, or its id.
func subject(payload json.RawMessage) string {
	p := rules.DecodeFields(payload) // an entry of another shape has no subject
	switch {
	case p.Firearm != "":
		return p.Firearm
	case p.Concern != "":
		return p.Concern
	}
	return p.ID
}

// Snapshot returns a copy of the record as it stands: what was acknowledged
// before some moment, such as the start of a backup.
func (a *Acks) Snapshot() *Acks {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &Acks{n: maps.Clone(a.n)}
}
