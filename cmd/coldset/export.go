package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/investigate"
	"coldset/internal/ledger"
)

const exportUsage = `usage: coldset export --production P [--from T] [--to T] --out bundle.zip
                      [--pdf=false] [--db F | --postgres URL] [--key FILE]

Writes an evidence bundle: the production's ledger entries up to the end of the period,
its latest signed checkpoint, an inclusion proof for every entry, a consistency proof
from those entries to the checkpoint, the verifier key and the report (JSON, HTML and,
unless --pdf=false, PDF), with a manifest signed by the deployment key. Anyone can check
it offline with "coldset verify --bundle bundle.zip --vkey KEY".
`

func runExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), exportUsage) }
	var f reportFlags
	f.register(fs)
	withPDF := fs.Bool("pdf", true, "include the report as PDF (needs Chromium)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.production == "" || f.out == "" {
		return usageError(fs, "--production and --out are required")
	}
	// The manifest is signed with the key that signs the checkpoints: export runs
	// where the ledger is kept, with its key file.
	skey, err := os.ReadFile(f.sf.keyPath())
	if err != nil {
		return fmt.Errorf("export: deployment key: %w", err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fmt.Errorf("export: deployment key %s: %w", f.sf.keyPath(), err)
	}
	ls, err := ledger.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if f.vkey == "" {
		f.vkey = ls.VerifierKey()
	}
	rec, err := f.load(ctx)
	if err != nil {
		return err
	}
	opts, err := f.options(rec)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	extra := map[string][]byte{}
	if *withPDF {
		r, err := investigate.Build(rec, opts)
		if err != nil {
			return err
		}
		if extra["report.pdf"], err = r.PDF(ctx); err != nil {
			return fmt.Errorf("export: %w (use --pdf=false to leave the PDF out)", err)
		}
	}
	var buf bytes.Buffer
	if err := investigate.Export(&buf, rec, signer, ls.VerifierKey(), opts, extra); err != nil {
		return err
	}
	if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Printf("wrote %s: production %s, checkpoint size %d, root %s\n", f.out, rec.Production, rec.Checkpoint.Size, rec.Checkpoint.RootHash)
	return nil
}
