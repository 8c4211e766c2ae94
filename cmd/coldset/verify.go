package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/cli"
	"coldset/internal/ledger"
)

// runVerify recomputes every production's log (or one) from its stored entries and
// checks it against its latest signed checkpoint and, with --checkpoint, against a
// checkpoint saved earlier. Exit 0 when all match; 1 naming the production and the
// first bad index otherwise.
func runVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	var sf cli.StoreFlags
	sf.Register(fs)
	production := fs.String("production", "", "verify only this production")
	savedPath := fs.String("checkpoint", "", "signed checkpoint file (as printed by coldset checkpoint) the log must extend")
	vkey := fs.String("vkey", "", "verifier key to check signatures with (default: the deployment key file's)")
	var wk witnessKeys
	wk.register(fs)
	bundle := fs.String("bundle", "", "check this evidence bundle (coldset export) offline, against --vkey or --key")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *bundle != "" {
		return verifyBundle(*bundle, sf.Key, *vkey)
	}

	if len(wk.keys) > 0 && *savedPath == "" {
		return cli.UsageError(fs, "--witness-key needs --checkpoint")
	}
	v, err := verifier(&sf, *vkey)
	if err != nil {
		return err
	}
	var saved []byte
	savedFor := ""
	if *savedPath != "" {
		if saved, err = os.ReadFile(*savedPath); err != nil {
			return fmt.Errorf("read saved checkpoint: %w", err)
		}
		if savedFor, err = ledger.CheckpointProduction(saved); err != nil {
			return fmt.Errorf("saved checkpoint %s: %w", *savedPath, err)
		}
		if *production != "" && *production != savedFor {
			return cli.UsageError(fs, "--checkpoint is for production %s, not %s", savedFor, *production)
		}
	}

	st, err := sf.Open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	productions := []string{*production}
	if *production == "" {
		if productions, err = st.Productions(ctx); err != nil {
			return fmt.Errorf("list productions: %w", err)
		}
	}
	// A saved checkpoint names a log that must exist, even if every entry is gone.
	if savedFor != "" && !slices.Contains(productions, savedFor) {
		productions = append(productions, savedFor)
	}

	failed := !wk.check(os.Stdout, saved)
	for _, p := range productions {
		var s []byte
		if p == savedFor {
			s = saved
		}
		got, err := ledger.Verify(ctx, st, v, p, s)
		var m *ledger.Mismatch
		switch {
		case errors.As(err, &m):
			fmt.Println(m.Error())
			failed = true
		case err != nil:
			return err
		case got.Size == 0 && p != savedFor:
			// Nothing stored and nothing to compare with: most likely a mistyped id.
			fmt.Printf("production %s: no entries and no checkpoint\n", p)
			failed = true
		default:
			fmt.Printf("production %s: ok, %d entries, root %s\n", p, got.Size, base64.StdEncoding.EncodeToString(got.Root))
		}
	}
	if failed {
		return cli.ExitError{Code: 1}
	}
	return nil
}

// verifier returns the note verifier for checkpoint signatures: from --vkey, or the
// deployment key file. It never creates a key.
func verifier(sf *cli.StoreFlags, vkey string) (note.Verifier, error) {
	if vkey != "" {
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, fmt.Errorf("verifier key: %w", err)
		}
		return v, nil
	}
	s, err := ledger.LoadKey(sf.KeyPath())
	if err != nil {
		return nil, err
	}
	return s.Verifier(), nil
}
