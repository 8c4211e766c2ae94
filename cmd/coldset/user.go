package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"coldset/internal/auth"
	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store"
)

const userUsage = `usage: coldset user add   --email E --password-stdin [--admin] [--db FILE | --postgres URL]
       coldset user grant --email E --production P --person ID [--db FILE | --postgres URL]
       coldset user list  [--db FILE | --postgres URL]
       coldset user reset EMAIL [--url URL] [--db FILE | --postgres URL]

add    creates an account, reading its password from the first line of standard
       input; --admin makes it a studio admin (creates productions, invites people).
       An account made by an invitation gets its password this way.
grant  lets the account act as person ID of production P (the person's roles are
       the production's own, set by person.add and person.roles).
list   prints every account: e-mail, admin, and production:person memberships.
reset  prints a one-time link that sets the account's password: for an invited
       account without one, valid 72 hours; otherwise a reset, valid 24 hours.
       Give it to the person only. Setting the password uses the link up and
       ends the account's sessions (its API tokens stay). --url is the address
       people open coldset at (env COLDSET_URL; default http://COLDSET_ADDR).
`

func runUser(ctx context.Context, args []string) error {
	return user(ctx, args, os.Stdin, os.Stdout)
}

// user runs one user subcommand, reading a password from stdin.
func user(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(os.Stderr, userUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return cli.ExitError{Code: 2}
	}
	sub, args := args[0], args[1:]
	var positional string // user reset EMAIL
	if sub == "reset" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		positional, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage) }
	var sf cli.StoreFlags
	sf.Register(fs)
	email := fs.String("email", "", "the account's e-mail address")
	switch sub {
	case "add":
		stdinPassword := fs.Bool("password-stdin", false, "read the password from standard input (required)")
		admin := fs.Bool("admin", false, "make the account a studio admin")
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		if *email == "" || !*stdinPassword {
			return cli.UsageError(fs, "--email and --password-stdin are required")
		}
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		return withAccounts(ctx, sf, func(st accountStore) error {
			a, err := auth.AddAccount(ctx, st, *email, password, *admin)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "account %s ready%s\n", a.Email, map[bool]string{true: " (studio admin)"}[a.Admin])
			return nil
		})
	case "grant":
		prod := fs.String("production", "", "production id")
		person := fs.String("person", "", "the person's id on the production")
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		if *email == "" || *prod == "" || *person == "" {
			return cli.UsageError(fs, "--email, --production and --person are required")
		}
		return withAccounts(ctx, sf, func(st accountStore) error {
			if err := checkPerson(ctx, st, sf, *prod, *person); err != nil {
				return err
			}
			a, err := st.AccountByEmail(ctx, auth.NormalizeEmail(*email))
			if errors.Is(err, auth.ErrNotFound) {
				return fmt.Errorf("no account %s; create it with coldset user add", *email)
			}
			if err != nil {
				return err
			}
			if err := st.Grant(ctx, auth.Membership{Account: a.ID, Production: *prod, Person: *person}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s acts as %s on %s\n", a.Email, *person, *prod)
			return nil
		})
	case "list":
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		return withAccounts(ctx, sf, func(st accountStore) error { return listAccounts(ctx, st, stdout) })
	case "reset":
		base := fs.String("url", os.Getenv("COLDSET_URL"), "the address people open coldset at, e.g. https://coldset.example.org (env COLDSET_URL)")
		if err := cli.ParseFlags(fs, args); err != nil {
			return err
		}
		if *email == "" {
			*email = positional
		}
		if *email == "" {
			return cli.UsageError(fs, "name the account: coldset user reset EMAIL")
		}
		return withAccounts(ctx, sf, func(st accountStore) error { return resetLink(ctx, st, *email, *base, stdout) })
	}
	fmt.Fprintf(os.Stderr, "coldset user: unknown subcommand %q\n", sub)
	fmt.Fprint(os.Stderr, userUsage)
	return cli.ExitError{Code: 2}
}

// accountStore is what the user and token commands use of the backend.
type accountStore interface {
	store.Store
	auth.Store
}

// withAccounts opens the chosen store for fn.
func withAccounts(ctx context.Context, sf cli.StoreFlags, fn func(accountStore) error) error {
	st, err := sf.Open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("read password: standard input is empty")
	}
	return line, nil
}

// checkPerson makes sure person is on the production, so that a typo does not grant
// an account a person who does not exist (or worse, one added later).
func checkPerson(ctx context.Context, st store.Store, sf cli.StoreFlags, id, person string) error {
	n, err := st.Size(ctx, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no production %s", id)
	}
	signer, err := ledger.LoadKey(sf.KeyPath())
	if err != nil {
		return err
	}
	p, err := production.Open(ctx, st, signer, id)
	if err != nil {
		return err
	}
	defer p.Close()
	found := false
	p.View(func(s *rules.State) {
		found = slices.ContainsFunc(s.Overview().People, func(pv rules.PersonView) bool { return pv.ID == person })
	})
	if !found {
		return fmt.Errorf("production %s has no person %s; add them first (person.add)", id, person)
	}
	return nil
}

func listAccounts(ctx context.Context, st auth.Store, stdout io.Writer) error {
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tADMIN\tPASSWORD\tPRODUCTIONS")
	for _, a := range accounts {
		ms, err := st.Memberships(ctx, a.ID)
		if err != nil {
			return err
		}
		var on []string
		for _, m := range ms {
			on = append(on, m.Production+":"+m.Person)
		}
		password := "set"
		if a.PasswordHash == "" {
			password = "invited"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Email, map[bool]string{true: "yes", false: "no"}[a.Admin], password, strings.Join(on, " "))
	}
	return tw.Flush()
}

// resetLink prints a one-time link that sets the password of the account email.
func resetLink(ctx context.Context, st auth.Store, email, base string, stdout io.Writer) error {
	if base == "" {
		base = "http://" + cli.EnvOr("COLDSET_ADDR", "127.0.0.1:8080")
		fmt.Fprintf(os.Stderr, "coldset user reset: the link uses %s, coldset serve's own address; give --url (or COLDSET_URL) with the address people open coldset at\n", base)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q is not an http or https address", base)
	}
	secret, a, err := auth.LinkFor(ctx, st, email, time.Now())
	if errors.Is(err, auth.ErrNotFound) {
		return fmt.Errorf("no account %s; invite it (POST /api/productions/ID/people) or create it with coldset user add", email)
	}
	if err != nil {
		return err
	}
	what, ttl := "reset", auth.ResetLinkTTL
	if a.PasswordHash == "" {
		what, ttl = "invitation", auth.InviteLinkTTL
	}
	fmt.Fprintf(os.Stderr, "%s link for %s, valid until %s UTC; it works once:\n", what, a.Email, time.Now().Add(ttl).UTC().Format("2006-01-02 15:04"))
	_, err = fmt.Fprintf(stdout, "%s/password/%s\n", strings.TrimRight(base, "/"), secret)
	return err
}
