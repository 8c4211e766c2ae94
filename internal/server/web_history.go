package server

import (
	"context"
	"encoding/json"
	"fmt"

	"coldset/internal/ledger"
	"coldset/internal/production"
)

// Some of what the pages show is not in the rules' state but only in the ledger: the
// words of a concern and its replies, the day's meetings, plans and calls, the
// reasons overrides were given. The pages read the ledger's recent entries for it.

// historyWindow bounds how many of the newest entries a page reads: a few shooting
// days of a busy production.
const historyWindow = 5000

// history returns the production's newest entries (at most historyWindow) that keep
// accepts, oldest first.
func history(ctx context.Context, p *production.Production, keep func(e ledger.Entry) bool) ([]ledger.Entry, error) {
	l := p.Log()
	size := l.Size()
	from := uint64(0)
	if size > historyWindow {
		from = size - historyWindow
	}
	var out []ledger.Entry
	for from < size {
		to := min(size, from+1000)
		rows, err := l.Entries(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("read %s entries %d-%d: %w", p.ID(), from, to, err)
		}
		for _, row := range rows {
			e, err := ledger.DecodeEntry(row.Body)
			if err != nil {
				return nil, fmt.Errorf("read %s entry %d: %w", p.ID(), row.Index, err)
			}
			if keep(e) {
				out = append(out, e)
			}
		}
		from = to
	}
	return out, nil
}

// payload is the union of the payload fields the pages read from entries.
type payload struct {
	ID          string   `json:"id"`
	Concern     string   `json:"concern"`
	Text        string   `json:"text"`
	Note        string   `json:"note"`
	Action      string   `json:"action"`
	Reason      string   `json:"reason"`
	Level       int      `json:"level"`
	Attendees   []string `json:"attendees"`
	Topics      []string `json:"topics"`
	Scene       string   `json:"scene"`
	Firearms    []string `json:"firearms"`
	Toward      string   `json:"toward"`
	Protections []string `json:"protections"`
	DistanceFt  float64  `json:"distance_ft"`
	Call        string   `json:"call"`
	Firearm     string   `json:"firearm"`
	Kind        string   `json:"kind"`
	Incident    string   `json:"incident"`
	Findings    string   `json:"findings"`
	Actions     string   `json:"actions"`
	Hold        string   `json:"hold"`
	Reasons     []string `json:"reasons"`
	Roles       []string `json:"roles"`
}

func decodePayload(e ledger.Entry) payload {
	var p payload
	json.Unmarshal(e.Payload, &p) // a payload of another shape leaves fields empty
	return p
}
