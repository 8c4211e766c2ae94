package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"coldset/internal/auth"
	"coldset/internal/demo"
	"coldset/internal/ledger"
)

// demoDays is how many past shooting days the demo production starts with.
const demoDays = 3

// seedDemo creates the demo production (if absent) and its accounts, and prints the
// sign-in of every person so that a newcomer can try each role.
func seedDemo(ctx context.Context, lg *ledger.Ledger, accounts auth.Store, out io.Writer) error {
	logins, err := demo.Seed(ctx, lg, accounts, demo.Options{Now: time.Now(), Days: demoDays})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo production %q: sign in as any of these (the passwords are for trying coldset out only)\n", demo.Production)
	for _, l := range logins {
		fmt.Fprintf(out, "  %-16s %-22s %-24s password %s\n", l.Name, l.Roles, l.Email, l.Password)
	}
	return nil
}
