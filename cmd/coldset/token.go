package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"coldset/internal/auth"
)

const tokenUsage = `usage: coldset token create --email E [--db FILE | --postgres URL]

Creates an API token for the account and prints it once: only its SHA-256 is stored,
so it cannot be shown again. Scripts send it as "Authorization: Bearer TOKEN".
`

func runToken(ctx context.Context, args []string) error {
	return token(ctx, args, os.Stdout)
}

// token runs one token subcommand.
func token(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(os.Stderr, tokenUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return exitError{2}
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), tokenUsage) }
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the account's e-mail address")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return usageError(fs, "--email is required")
	}
	return withAccounts(ctx, sf, func(st accountStore) error {
		a, err := st.AccountByEmail(ctx, auth.NormalizeEmail(*email))
		if errors.Is(err, auth.ErrNotFound) {
			return fmt.Errorf("no account %s; create it with coldset user add", *email)
		}
		if err != nil {
			return err
		}
		secret, err := auth.Issue(ctx, st, a.ID, auth.KindToken, time.Now(), 0)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, secret)
		return err
	})
}
