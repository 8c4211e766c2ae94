package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/loadmix"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

const soakUsage = `usage: coldset soak [--duration 10m] [--rate N] [--lanes N] [--db FILE | --postgres URL] [--key FILE]

Starts coldset serve (this binary) on the store and sends it a mixed load for
--duration: firearm inspections, hand-overs, accepts and returns, concerns filed,
acknowledged and resolved, reads of the overview, checkpoint, entries and proofs,
and the daily report and armory and concerns pages, at --rate requests per second.
It samples the server's resident memory (VmRSS) throughout, then stops it and
checks that every acknowledged action is in the log and that every log verifies.

Exits 1 on any 5xx answer or request without an answer, on memory growth (the
mean RSS of the last quarter of the run more than --growth above that of the
second quarter), on a lost acknowledged action or on a verify failure.

The load goes to a new production, soak-<unix time>, with its own accounts: use a
scratch store. Without --db or --postgres a new SQLite file in a temporary
directory is used and removed afterwards.
`

// soakConfig is what one soak run does.
type soakConfig struct {
	duration, sample time.Duration
	rate, growth     float64
	lanes            int
	db, postgres     string
	key              string
	serverLog        string
}

func runSoak(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), soakUsage)
		fs.PrintDefaults()
	}
	var c soakConfig
	fs.DurationVar(&c.duration, "duration", 10*time.Minute, "how long to send load")
	fs.Float64Var(&c.rate, "rate", 50, "requests per second, all lanes together")
	fs.IntVar(&c.lanes, "lanes", 8, "independent firearm-and-actor sequences the requests go round")
	fs.StringVar(&c.db, "db", "", "SQLite database file (default: a new one in a temporary directory)")
	fs.StringVar(&c.postgres, "postgres", "", "PostgreSQL URL, instead of SQLite")
	fs.StringVar(&c.key, "key", "", "deployment key file (default: beside the SQLite file, or in a temporary directory)")
	fs.Float64Var(&c.growth, "growth", 0.20, "the largest allowed rise of mean RSS from the second quarter of the run to the last")
	fs.DurationVar(&c.sample, "sample", time.Second, "how often to sample the server's RSS")
	fs.StringVar(&c.serverLog, "server-log", "", "write the server's log to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.duration <= 0 || c.rate <= 0 || c.lanes < 1 || c.sample <= 0 {
		return usageError(fs, "--duration, --rate, --lanes and --sample must be positive")
	}
	if c.db != "" && c.postgres != "" {
		return usageError(fs, "--db and --postgres are alternatives")
	}
	scratch, err := os.MkdirTemp("", "coldset-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	if c.db == "" && c.postgres == "" {
		c.db = filepath.Join(scratch, "coldset.db")
	}
	if c.key == "" {
		c.key = filepath.Join(scratch, "coldset.key")
		if c.db != "" {
			c.key = ledger.KeyPathFor(c.db)
		}
	}
	r, err := soak(ctx, c)
	if r != nil {
		r.print(os.Stdout, c)
	}
	if err != nil {
		return err
	}
	if problems := r.failures(c); len(problems) > 0 {
		for _, p := range problems {
			fmt.Printf("FAIL: %s\n", p)
		}
		return exitError{1}
	}
	fmt.Println("PASS")
	return nil
}

// soak seeds the production, runs the server and the load, and gathers what
// happened. An error means the run could not be made at all.
func soak(ctx context.Context, c soakConfig) (*soakResult, error) {
	open := func() (store.Store, error) {
		if c.postgres != "" {
			return postgres.Open(ctx, c.postgres)
		}
		return sqlite.Open(c.db)
	}
	st, err := open()
	if err != nil {
		return nil, err
	}
	signer, err := ledger.LoadOrCreateKey(c.key)
	if err != nil {
		st.Close()
		return nil, err
	}
	now := time.Now()
	crew, err := loadmix.Seed(ctx, st, signer, fmt.Sprintf("soak-%d", now.Unix()), c.lanes, now)
	st.Close()
	if err != nil {
		return nil, err
	}

	storeArgs := []string{"--db", c.db, "--key", c.key}
	if c.postgres != "" {
		storeArgs = []string{"--postgres", c.postgres, "--key", c.key}
	}
	srv, err := startChild(storeArgs, c.serverLog)
	if err != nil {
		return nil, err
	}
	fmt.Printf("soak: %s for %v at %.0f requests/s, %d lanes, production %s, server pid %d\n",
		storeLabel(c), c.duration, c.rate, c.lanes, crew.Production, srv.pid())

	client := loadmix.NewClient(crew, 30*time.Second)
	sampleCtx, stopSampling := context.WithCancel(ctx)
	rss := sampleRSS(sampleCtx, srv.pid(), c.sample, client.Acks().Total)
	runCtx, cancel := context.WithTimeout(ctx, c.duration)
	start := time.Now()
	client.Run(runCtx, srv.addr, c.rate)
	elapsed := time.Since(start)
	cancel()
	stopSampling()

	r := &soakResult{crew: crew, stats: client.Stats(), acks: client.Acks(), rss: rss, elapsed: elapsed}
	if err := srv.stop(30 * time.Second); err != nil {
		r.stopErr = err
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if st, err = open(); err != nil {
		return r, err
	}
	r.size, r.ackErr = client.Acks().Check(ctx, st, crew.Production)
	st.Close()
	verifyArgs := []string{"--key", c.key, "--db", c.db, "--postgres", c.postgres}
	r.verifyErr = runVerify(ctx, verifyArgs)
	var ee exitError
	if r.verifyErr != nil && !errors.As(r.verifyErr, &ee) {
		return r, r.verifyErr
	}
	return r, nil
}

func storeLabel(c soakConfig) string {
	if c.postgres != "" {
		return "postgres"
	}
	return "sqlite " + c.db
}
