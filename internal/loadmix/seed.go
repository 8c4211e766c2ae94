// Package loadmix drives a running coldset server through its HTTP API with a
// realistic mix of work — hand-overs, concerns, reads of the overview, checkpoint,
// proofs and the daily report — and remembers every action the server
// acknowledged, so that after a crash, an outage or a full disk a test can check
// that none of them was lost. The soak command and the fault tests share it.
package loadmix

import (
	"context"
	"fmt"
	"time"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// Crew is a production made for load and the API token of each of its people.
type Crew struct {
	Production string
	Lanes      int
	Tokens     map[string]string // person id -> API token
}

// Seed creates production id in st with loadgen's crew, lanes firearm-and-actor
// lanes and the day's safety meeting, and an account with an API token for every
// person. The production's timezone puts now near local noon, so that no run of
// less than several hours crosses its midnight (a new day wants a new meeting).
func Seed(ctx context.Context, st store.Backend, signer *ledger.Signer, id string, lanes int, now time.Time) (Crew, error) {
	p, err := production.Open(ctx, st, signer, id)
	if err != nil {
		return Crew{}, fmt.Errorf("seed %s: %w", id, err)
	}
	defer p.Close()
	if p.Log().Size() > 0 {
		return Crew{}, fmt.Errorf("seed %s: the production exists already", id)
	}
	for _, step := range loadgen.Setup(id, zoneNearNoon(now), lanes) {
		res, err := p.Do(ctx, step.By, step.Cmd, now)
		if err == nil && res.Outcome != rules.OK {
			err = fmt.Errorf("%s refused (%s): %s", step.Cmd.Do, res.Rule, res.Message)
		}
		if err != nil {
			return Crew{}, fmt.Errorf("seed %s: %w", id, err)
		}
	}
	people := []string{loadgen.Armorer, loadgen.FirstAD, loadgen.SafetyOfficer, loadgen.Producer}
	for j := range lanes {
		people = append(people, loadgen.Actor(j))
	}
	tokens, err := IssueTokens(ctx, st, id, people, now)
	if err != nil {
		return Crew{}, err
	}
	return Crew{Production: id, Lanes: lanes, Tokens: tokens}, nil
}

// IssueTokens creates an account for each of people, grants it that person on
// production and returns each person's API token.
func IssueTokens(ctx context.Context, accounts auth.Store, production string, people []string, now time.Time) (map[string]string, error) {
	tokens := map[string]string{}
	for _, person := range people {
		a, err := accounts.CreateAccount(ctx, auth.Account{Email: fmt.Sprintf("%s@%s.load.test", person, production), Created: now})
		if err == nil {
			err = accounts.Grant(ctx, auth.Membership{Account: a.ID, Production: production, Person: person})
		}
		if err == nil {
			tokens[person], err = auth.Issue(ctx, accounts, a.ID, auth.KindToken, now, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("seed %s: account of %s: %w", production, person, err)
		}
	}
	return tokens, nil
}

// zoneNearNoon returns a fixed-offset zone (Etc/GMT±N) in which now is near noon.
func zoneNearNoon(now time.Time) string {
	offset := 12 - now.UTC().Hour() // local = UTC + offset, within -11..+12
	switch {
	case offset == 0:
		return "Etc/GMT"
	case offset > 0:
		return fmt.Sprintf("Etc/GMT-%d", offset) // the Etc zones' signs are inverted
	}
	return fmt.Sprintf("Etc/GMT+%d", -offset)
}
