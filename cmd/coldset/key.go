package main

import (
	"context"
	"flag"
	"fmt"

	"coldset/internal/cli"
	"coldset/internal/ledger"
)

// runKey prints the deployment's public verifier key, creating the key pair on first
// use like serve does.
func runKey(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("key", flag.ContinueOnError)
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	s, err := ledger.LoadOrCreateKey(sf.KeyPath())
	if err != nil {
		return err
	}
	fmt.Println(s.VerifierKey())
	return nil
}
