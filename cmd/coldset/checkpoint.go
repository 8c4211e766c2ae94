package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"coldset/internal/cli"
	"coldset/internal/store"
)

// runCheckpoint prints a production's latest signed checkpoint, as stored. Saved to a
// file, it is what `coldset verify --checkpoint` later proves the log still extends.
func runCheckpoint(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("checkpoint", flag.ContinueOnError)
	var sf cli.StoreFlags
	sf.Register(fs)
	production := fs.String("production", "", "production id (required)")
	cosigned := fs.Bool("cosigned", false, "print the latest checkpoint witnesses cosigned, with their cosignatures")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *production == "" {
		return cli.UsageError(fs, "--production is required")
	}
	st, err := sf.Open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if *cosigned {
		return printCosigned(ctx, st, *production, os.Stdout)
	}
	signed, err := st.Checkpoint(ctx, *production)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("production %s has no checkpoint", *production)
	}
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(signed)
	return err
}
