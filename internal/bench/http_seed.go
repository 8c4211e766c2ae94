package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// httpSeed is the production bench http drives and the API token of each person.
type httpSeed struct {
	production string
	tokens     map[string]string
}

// seedHTTP creates a production with the workload's crew and lanes, an account with
// an API token for every person, and holds the day's safety meeting. The production's
// timezone puts the run near local noon, so that the day does not end during it.
func seedHTTP(ctx context.Context, lg *ledger.Ledger, accounts auth.Store, lanes int) (httpSeed, error) {
	now := time.Now()
	seed := httpSeed{production: fmt.Sprintf("http-%d", now.Unix()), tokens: map[string]string{}}
	l, err := lg.Log(ctx, seed.production)
	if err != nil {
		return seed, err
	}
	p, err := production.FromLog(l)
	if err != nil {
		return seed, err
	}
	for _, step := range loadgen.Setup(seed.production, noonZone(now), lanes) {
		res, err := p.Do(ctx, step.By, step.Cmd, time.Now())
		if err == nil && res.Outcome != rules.OK {
			err = fmt.Errorf("%s refused (%s): %s", step.Cmd.Do, res.Rule, res.Message)
		}
		if err != nil {
			return seed, fmt.Errorf("seed %s: %w", seed.production, err)
		}
	}
	people := []string{loadgen.Armorer, loadgen.FirstAD, loadgen.SafetyOfficer, loadgen.Producer}
	for j := range lanes {
		people = append(people, loadgen.Actor(j))
	}
	seed.tokens, err = issueTokens(ctx, accounts, seed.production, people, now)
	return seed, err
}

// issueTokens creates an account for each person of production, grants it the
// person and returns their API tokens.
func issueTokens(ctx context.Context, accounts auth.Store, production string, people []string, now time.Time) (map[string]string, error) {
	tokens := map[string]string{}
	for _, person := range people {
		a, err := accounts.CreateAccount(ctx, auth.Account{Email: fmt.Sprintf("%s@%s.bench.test", person, production)})
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

// noonZone returns a fixed-offset zone (Etc/GMT±N) in which now is near noon.
func noonZone(now time.Time) string {
	offset := 12 - now.UTC().Hour() // local = UTC + offset, within -11..+12
	switch {
	case offset == 0:
		return "Etc/GMT"
	case offset > 0:
		return fmt.Sprintf("Etc/GMT-%d", offset) // the Etc zones' signs are inverted
	}
	return fmt.Sprintf("Etc/GMT+%d", -offset)
}

// fsyncLatency times n single-entry fsync'd writes to a scratch file in dir: the
// least a durable write can take on this disk.
func fsyncLatency(dir string, n int) (string, error) {
	f, err := os.CreateTemp(dir, ".coldset-bench-fsync-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	body := make([]byte, 400)
	lat := make([]time.Duration, n)
	for i := range lat {
		t := time.Now()
		if _, err := f.Write(body); err != nil {
			return "", err
		}
		if err := f.Sync(); err != nil {
			return "", err
		}
		lat[i] = time.Since(t)
	}
	return loadgen.Summarize(lat).String(), nil
}
