// Package demo seeds a demonstration production, dry-creek, with the cast of the clean
// firearm day (an armorer, a first AD, an actor, a camera head, a safety officer and a
// producer) and a studio admin, each with an account that can sign in, and a few
// past shooting days done by the book, so that a newcomer can click through every
// role of coldset on a fresh server.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// Production is the id of the demo production.
const Production = "dry-creek"

// Timezone is where the demo production shoots.
const Timezone = "America/Denver"

// Login is one demo account, printed when the server starts so people can sign in.
type Login struct {
	Person   string // "" for the studio admin, who is not a person on the production
	Name     string
	Roles    string
	Email    string
	Password string
}

// Cast is the production's people: those of the clean day scenario.
var Cast = []rules.PersonData{
	{ID: "ana", Name: "Ana Ruiz", Roles: []string{"armorer"}, Department: "armory", DepartmentHead: true, CertifiedUntil: "2099-12-31"},
	{ID: "dan", Name: "Dan Cole", Roles: []string{"first_ad"}, Department: "ad", DepartmentHead: true},
	{ID: "kim", Name: "Kim Lee", Roles: []string{"actor"}, Training: map[string]float64{"revolver": 3, "blank_fire": 4}},
	{ID: "raf", Name: "Raf Ortiz", Roles: []string{"camera"}, Department: "camera", DepartmentHead: true},
	{ID: "sol", Name: "Sol Park", Roles: []string{"safety_officer"}},
	{ID: "pia", Name: "Pia Moss", Roles: []string{"producer"}},
}

// Email and Password are each demo person's sign-in. The passwords are printed on
// start and are no secret: the demo is for trying coldset out, never for real records.
func Email(person string) string    { return person + "@dry-creek.test" }
func Password(person string) string { return person + "-dry-creek" }

// AdminEmail is the demo studio admin's e-mail; its password is Password("admin").
const AdminEmail = "admin@dry-creek.test"

// Options says what Seed creates.
type Options struct {
	// Now is the server clock: the production is created before it and the past days
	// end before it.
	Now time.Time
	// Days is how many past shooting days to replay (0: only the people).
	Days int
	// Created is when the production and its people are recorded; zero means the
	// start of the first past day (or Now less an hour without past days).
	Created time.Time
}

// Seed creates the demo accounts (those already there are kept) and, when the
// production has no entries yet, the production, its people and opts.Days past days.
// It returns the sign-ins to print. Running it again changes nothing.
func Seed(ctx context.Context, lg *ledger.Ledger, accounts auth.Store, opts Options) ([]Login, error) {
	logins, err := seedAccounts(ctx, accounts)
	if err != nil {
		return nil, err
	}
	n, err := lg.Size(ctx, Production)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if n == 0 {
		if err := seedProduction(ctx, lg, opts); err != nil {
			return nil, err
		}
	}
	for _, l := range logins {
		if l.Person == "" {
			continue
		}
		a, err := accounts.AccountByEmail(ctx, l.Email)
		if err == nil {
			err = accounts.Grant(ctx, auth.Membership{Account: a.ID, Production: Production, Person: l.Person})
		}
		if err != nil && !errors.Is(err, auth.ErrExists) {
			return nil, fmt.Errorf("demo: grant %s: %w", l.Person, err)
		}
	}
	return logins, nil
}

func seedAccounts(ctx context.Context, accounts auth.Store) ([]Login, error) {
	logins := []Login{{Name: "Studio admin", Roles: "studio admin", Email: AdminEmail, Password: Password("admin")}}
	for _, p := range Cast {
		logins = append(logins, Login{Person: p.ID, Name: p.Name, Roles: strings.ReplaceAll(strings.Join(p.Roles, ", "), "_", " "), Email: Email(p.ID), Password: Password(p.ID)})
	}
	for _, l := range logins {
		_, err := auth.AddAccount(ctx, accounts, l.Email, l.Password, l.Person == "")
		if err != nil && !errors.Is(err, auth.ErrExists) {
			return nil, fmt.Errorf("demo: account %s: %w", l.Email, err)
		}
	}
	return logins, nil
}

// seedProduction creates the production and its people, then replays the past days.
func seedProduction(ctx context.Context, lg *ledger.Ledger, opts Options) error {
	loc, err := time.LoadLocation(Timezone)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	l, err := lg.Log(ctx, Production)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	p, err := production.FromLog(l)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	today := opts.Now.In(loc)
	first := time.Date(today.Year(), today.Month(), today.Day()-opts.Days, 5, 30, 0, 0, loc)
	created := opts.Created
	if created.IsZero() {
		created = first
		if opts.Days == 0 {
			created = opts.Now.Add(-time.Hour)
		}
	}
	sys := rules.Actor{}
	if err := do(ctx, p, sys, rules.ProductionCreate, map[string]any{"id": Production, "name": "Dry Creek", "timezone": Timezone}, created); err != nil {
		return err
	}
	for _, c := range Cast {
		if err := do(ctx, p, sys, rules.PersonAdd, c, created); err != nil {
			return err
		}
	}
	for d := 0; d < opts.Days; d++ {
		date := time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, loc)
		for _, st := range day(d+1, d == 0, d == opts.Days-1) {
			if err := do(ctx, p, rules.Actor{Person: st.as}, st.do, st.with, st.on(date)); err != nil {
				return err
			}
		}
	}
	return nil
}

// do runs one command and fails unless the rules accept it: the demo's days are
// done by the book.
func do(ctx context.Context, p *production.Production, by rules.Actor, action string, with any, at time.Time) error {
	body, err := json.Marshal(with)
	if err != nil {
		return fmt.Errorf("demo: %s: %w", action, err)
	}
	res, err := p.Do(ctx, by, rules.Command{Do: action, With: body}, at)
	if err != nil {
		return fmt.Errorf("demo: %s: %w", action, err)
	}
	if res.Outcome != rules.OK {
		return fmt.Errorf("demo: %s by %q at %s refused (%s): %s", action, by.Person, at.Format(time.RFC3339), res.Rule, res.Message)
	}
	return nil
}
