package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/cli"
	"coldset/internal/investigate"
	"coldset/internal/ledger"
)

const exportUsage = `usage: coldset export --production P [--from T] [--to T] --out bundle.zip
                      [--pdf=false] [--db F | --postgres URL] [--key FILE]

Writes an evidence bundle: the production's ledger entries up to the end of the period
(one per line of entries.jsonl, as they were hashed), its latest signed checkpoint, a
consistency proof from those entries to the checkpoint, an inclusion proof for each
entry the report's failure chain, overrides and incidents cite, the verifier key and
the report (JSON, HTML and, unless --pdf=false, PDF), with a manifest signed by the
deployment key. Anyone can check it offline with
"coldset verify --bundle bundle.zip --vkey KEY".
`

func runExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), exportUsage) }
	var f reportFlags
	f.register(fs)
	withPDF := fs.Bool("pdf", true, "include the report as PDF (needs Chromium)")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if f.production == "" || f.out == "" {
		return cli.UsageError(fs, "--production and --out are required")
	}
	// The manifest is signed with the key that signs the checkpoints: export runs
	// where the ledger is kept, with its key file.
	skey, err := os.ReadFile(f.sf.KeyPath())
	if err != nil {
		return fmt.Errorf("export: deployment key: %w", err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fmt.Errorf("export: deployment key %s: %w", f.sf.KeyPath(), err)
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
		return cli.UsageError(fs, "%v", err)
	}
	var extra investigate.ExtraFiles
	if *withPDF {
		extra = func(r *investigate.Report) (map[string][]byte, error) {
			pdf, err := r.PDF(ctx)
			if err != nil {
				return nil, fmt.Errorf("export: %w (use --pdf=false to leave the PDF out)", err)
			}
			return map[string][]byte{"report.pdf": pdf}, nil
		}
	}
	err = writeAtomic(f.out, func(w io.Writer) error {
		return investigate.Export(w, rec, signer, ls.VerifierKey(), opts, extra)
	})
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s: production %s, checkpoint size %d, root %s\n", f.out, rec.Production, rec.Checkpoint.Size, rec.Checkpoint.RootHash)
	return nil
}

// writeAtomic writes a file through write, in the file's directory under another
// name first, so that a failed or interrupted export leaves no partial bundle.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing left to remove
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	err = bw.Flush()
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
