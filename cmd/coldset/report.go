package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coldset/internal/cli"
	"coldset/internal/investigate"
	"coldset/internal/rules"
)

const reportUsage = `usage: coldset report --production P [--incident ID] [--from T] [--to T]
                      [--firearm F] [--lot L] [--person ID] [--type KIND]
                      [--format json|html|pdf] [--out FILE] [--db F | --postgres URL] [--vkey KEY]
       coldset report --production P --daily YYYY-MM-DD [--format ...] [--out FILE]
       (--kind daily --date YYYY-MM-DD is the same as --daily)

Builds the investigation report of a production (timeline, failure chain, ammunition
trace, overrides and dismissals) or its daily safety report, from the ledger checked
against its latest signed checkpoint. Times T are RFC 3339, or YYYY-MM-DDTHH:MM or
YYYY-MM-DD in the production's time zone (a date as --to means the end of that day).
The format defaults to the --out file's extension, and to json on stdout.

The JSON form holds everything, each timeline entry on a line of its own. The HTML and
PDF forms print a timeline of more than 2,000 entries shortened to the entries the
failure chain, overrides and incidents cite (with the 3 before and after each) and the
first and last 10, and more than 1,000 concerns shortened to those not resolved or not
answered in time; the page says what it left out.
`

// reportFlags are the flags report and export share.
type reportFlags struct {
	sf                                 cli.StoreFlags
	production, incident, from, to     string
	firearm, lot, person, kind, vkey   string
	format, out, daily, reportKind, at string
}

func (f *reportFlags) register(fs *flag.FlagSet) {
	f.sf.Register(fs)
	fs.StringVar(&f.production, "production", "", "the production")
	fs.StringVar(&f.from, "from", "", "start of the period")
	fs.StringVar(&f.to, "to", "", "end of the period")
	fs.StringVar(&f.vkey, "vkey", "", "verifier key to check the checkpoint with (default: the deployment key file's)")
	fs.StringVar(&f.out, "out", "", "output file")
}

func runReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportUsage) }
	var f reportFlags
	f.register(fs)
	fs.StringVar(&f.incident, "incident", "", "report on this incident")
	fs.StringVar(&f.firearm, "firearm", "", "timeline: only entries about this firearm")
	fs.StringVar(&f.lot, "lot", "", "timeline: only entries about this lot")
	fs.StringVar(&f.person, "person", "", "timeline: only entries naming this person")
	fs.StringVar(&f.kind, "type", "", "timeline: only entries of this type or rule")
	fs.StringVar(&f.format, "format", "", "json, html or pdf")
	fs.StringVar(&f.daily, "daily", "", "the daily safety report of this date")
	fs.StringVar(&f.reportKind, "kind", "investigation", "investigation or daily")
	fs.StringVar(&f.at, "date", "", "with --kind daily: the date")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if f.production == "" {
		return cli.UsageError(fs, "--production is required")
	}
	if f.reportKind == "daily" && f.daily == "" {
		f.daily = f.at
	}
	if (f.reportKind != "daily" && f.reportKind != "investigation") || (f.reportKind == "daily" && f.daily == "") {
		return cli.UsageError(fs, "--kind is investigation or daily (with --date)")
	}
	format := f.format
	if format == "" {
		format = strings.TrimPrefix(filepath.Ext(f.out), ".")
	}
	switch format {
	case "":
		format = "json"
	case "json", "html", "pdf":
	default:
		return cli.UsageError(fs, "--format is json, html or pdf, not %q", format)
	}
	if format == "pdf" && f.out == "" {
		return cli.UsageError(fs, "a PDF needs --out FILE")
	}

	rec, err := f.load(ctx)
	if err != nil {
		return err
	}
	var doc interface {
		WriteHTML(io.Writer) error
		PDF(context.Context) ([]byte, error)
	}
	// The investigation report has a JSON form of its own (a line per timeline
	// entry); the daily report is short and is indented.
	var js func() ([]byte, error)
	if f.daily != "" {
		d, err := investigate.BuildDaily(rec, f.daily)
		if err != nil {
			return err
		}
		doc = d
		js = func() ([]byte, error) {
			out, err := json.MarshalIndent(d, "", "  ")
			return append(out, '\n'), err
		}
	} else {
		opts, err := f.options(rec)
		if err != nil {
			return cli.UsageError(fs, "%v", err)
		}
		r, err := investigate.Build(rec, opts)
		if err != nil {
			return err
		}
		doc, js = r, r.JSON
	}
	var out []byte
	switch format {
	case "json":
		out, err = js()
	case "html":
		out, err = investigate.HTML(doc)
	case "pdf":
		out, err = doc.PDF(ctx)
	}
	if err != nil {
		return err
	}
	if f.out == "" {
		_, err = os.Stdout.Write(out)
		return err
	}
	if err := os.WriteFile(f.out, out, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// load reads the production's log, checked against its latest signed checkpoint.
func (f *reportFlags) load(ctx context.Context) (*investigate.Record, error) {
	v, err := verifier(&f.sf, f.vkey)
	if err != nil {
		return nil, err
	}
	st, err := f.sf.Open(ctx, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return investigate.Load(ctx, st, v, f.production)
}

// options turns the flags into report options, reading times in the production's zone.
func (f *reportFlags) options(rec *investigate.Record) (investigate.Options, error) {
	loc := time.UTC
	if len(rec.Entries) > 0 {
		p := rules.DecodeFields(rec.Entries[0].Payload) // production.create
		if l, err := rules.Location(p.Timezone); err == nil {
			loc = l
		}
	}
	opts := investigate.Options{Incident: f.incident,
		Filter: investigate.Filter{Firearm: f.firearm, Lot: f.lot, Person: f.person, Kind: f.kind}}
	var err error
	if opts.From, err = parseWhen(f.from, loc, false); err != nil {
		return opts, fmt.Errorf("--from: %w", err)
	}
	if opts.To, err = parseWhen(f.to, loc, true); err != nil {
		return opts, fmt.Errorf("--to: %w", err)
	}
	return opts, nil
}

// parseWhen reads a period bound; a bare date as the end of a period means the end of
// that day.
func parseWhen(s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not RFC 3339, YYYY-MM-DDTHH:MM or YYYY-MM-DD", s)
	}
	if end {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t, nil
}
