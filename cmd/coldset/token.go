package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"coldset/internal/auth"
	"coldset/internal/cli"
)

const tokenUsage = `usage: coldset token create --email E   [--db FILE | --postgres URL]
       coldset token list   EMAIL         [--db FILE | --postgres URL]
       coldset token revoke ID            [--db FILE | --postgres URL]

create  makes an API token for the account and prints it once: only its SHA-256
        is stored, so it cannot be shown again. Scripts send it as
        "Authorization: Bearer TOKEN".
list    prints the account's API tokens: id, when made, when they expire. The id
        is the start of the stored hash; it signs nobody in.
revoke  removes the token with that id, whoever's it is. A running server
        refuses it within a second (at once when revoked over the API:
        DELETE /api/tokens/ID).
`

func runToken(ctx context.Context, args []string) error {
	return token(ctx, args, os.Stdout)
}

// token runs one token subcommand.
func token(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(os.Stderr, tokenUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return cli.ExitError{Code: 2}
	}
	sub, args := args[0], args[1:]
	var positional string // token list EMAIL, token revoke ID
	if (sub == "list" || sub == "revoke") && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		positional, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), tokenUsage) }
	var sf cli.StoreFlags
	sf.Register(fs)
	switch sub {
	case "create", "list":
		email := fs.String("email", "", "the account's e-mail address")
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		if *email == "" {
			*email = positional
		}
		if *email == "" {
			return cli.UsageError(fs, "name the account (--email)")
		}
		return withAccounts(ctx, sf, func(st accountStore) error {
			a, err := st.AccountByEmail(ctx, auth.NormalizeEmail(*email))
			if errors.Is(err, auth.ErrNotFound) {
				return fmt.Errorf("no account %s; create it with coldset user add", *email)
			}
			if err != nil {
				return err
			}
			if sub == "list" {
				return listTokens(ctx, st, a, stdout)
			}
			secret, err := auth.Issue(ctx, st, a.ID, auth.KindToken, time.Now(), 0)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(stdout, secret)
			return err
		})
	case "revoke":
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		if positional == "" {
			return cli.UsageError(fs, "name the token: coldset token revoke ID (coldset token list EMAIL shows the ids)")
		}
		return withAccounts(ctx, sf, func(st accountStore) error { return revokeToken(ctx, st, positional, stdout) })
	}
	fmt.Fprintf(os.Stderr, "coldset token: unknown subcommand %q\n", sub)
	fmt.Fprint(os.Stderr, tokenUsage)
	return cli.ExitError{Code: 2}
}

func listTokens(ctx context.Context, st auth.Store, a auth.Account, stdout io.Writer) error {
	cs, err := st.Credentials(ctx, a.ID, auth.KindToken, time.Now())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tEXPIRES")
	for _, c := range cs {
		expires := "never"
		if !c.Expires.IsZero() {
			expires = c.Expires.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", auth.CredentialID(c.Hash), c.Created.UTC().Format(time.RFC3339), expires)
	}
	return tw.Flush()
}

// revokeToken removes the API token with that id, looking through every account's:
// the id alone names it.
func revokeToken(ctx context.Context, st auth.Store, id string, stdout io.Writer) error {
	id = strings.ToLower(id)
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		cs, err := st.Credentials(ctx, a.ID, auth.KindToken, time.Now())
		if err != nil {
			return err
		}
		for _, c := range cs {
			if auth.CredentialID(c.Hash) != id {
				continue
			}
			if err := st.DeleteCredential(ctx, c.Hash); err != nil {
				return err
			}
			_, err := fmt.Fprintf(stdout, "revoked token %s of %s\n", id, a.Email)
			return err
		}
	}
	return fmt.Errorf("no API token %s (coldset token list EMAIL shows an account's)", id)
}
