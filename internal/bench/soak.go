package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/loadmix"
)

const soakUsage = `usage: coldset soak [--duration 10m] [--rate N] [--lanes N] [--history N] [--db FILE | --postgres URL] [--key FILE]

Starts coldset serve (this binary) on the store and sends it a mixed load for
--duration: firearm inspections, hand-overs, accepts and returns, concerns filed,
acknowledged and resolved, reads of the overview, checkpoint, entries and proofs,
and the daily report and armory and concerns pages, at --rate requests per second.
Before that, a warm-up sends the same mix as fast as the server takes it until
--history actions are acknowledged (default: as many as the run is expected to
send), so that the production already holds as much history as the run adds.
Then it stops the server and checks that every acknowledged action is in the log
and that every log verifies.

Memory flat means that the server's memory grows no faster than its log. Each
production's state is folded from its log and kept in memory, so it grows with
every entry; a leak is growth beyond that. Over the run the server's live heap
after each garbage collection (its runtime's GC trace, GODEBUG=gctrace=1) and its
anonymous resident memory (RssAnon, which leaves out the binary's mapped code) are
sampled. From the mean of the second quarter of the run to that of the last, each
may rise in proportion to the log over the same samples, that rise plus --growth
more, plus a margin for resolution and noise (1 MiB for the heap, whose trace
counts whole MiB; 4 MiB for the RSS). The warm-up's history keeps the allowance
tight: without it, the log would grow several times over and any leak would pass.
The heap is the sharp measure; the RSS check is coarser (its allowance treats the
runtime and SQLite's caches as if they grew with the log) and watches the memory
outside the Go heap.

Exits 1 on any 5xx answer or request without an answer (warm-up included), on
memory growth beyond the log's, on a lost acknowledged action or on a verify
failure.

The load goes to a new production, soak-<unix time>, with its own accounts: use a
scratch store. Without --db or --postgres a new SQLite file in a temporary
directory is used and removed afterwards.
`

// soakConfig is what one soak run does.
type soakConfig struct {
	duration, sample time.Duration
	rate, growth     float64
	lanes            int
	history          int // actions acknowledged in the warm-up; -1: as many as the run should send
	db, postgres     string
	key              string
	serverLog        string
}

// Soak is coldset soak; coldset runs its verify at the end.
func Soak(ctx context.Context, args []string, coldset Coldset) error {
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
	fs.IntVar(&c.history, "history", -1, "actions to have acknowledged in the warm-up, before the run (-1: as many as the run should send; 0: no warm-up)")
	fs.Float64Var(&c.growth, "growth", 0.20, "how much more than in proportion to the log the memory may rise, from the second quarter of the run to the last")
	fs.DurationVar(&c.sample, "sample", time.Second, "how often to sample the server's RSS")
	fs.StringVar(&c.serverLog, "server-log", "", "write the server's log to this file")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if c.duration <= 0 || c.rate <= 0 || c.lanes < 1 || c.sample <= 0 {
		return cli.UsageError(fs, "--duration, --rate, --lanes and --sample must be positive")
	}
	if c.history < 0 {
		c.history = expectedActions(c)
	}
	if c.db != "" && c.postgres != "" {
		return cli.UsageError(fs, "--db and --postgres are alternatives")
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
	r, err := soak(ctx, c, coldset)
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
		return cli.ExitError{Code: 1}
	}
	fmt.Println("PASS")
	return nil
}

// soak seeds the production, runs the server and the load, and gathers what
// happened. An error means the run could not be made at all.
func soak(ctx context.Context, c soakConfig, coldset Coldset) (*soakResult, error) {
	sf := cli.StoreFlags{DB: c.db, Postgres: c.postgres, Key: c.key}
	st, signer, err := sf.OpenWithKey(ctx)
	if err != nil {
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
		storeName(c.postgres, c.db), c.duration, c.rate, c.lanes, crew.Production, srv.pid())
	client := loadmix.NewClient(crew, 30*time.Second)
	r := &soakResult{crew: crew, acks: client.Acks()}

	// The warm-up: as fast as the server answers, until the log holds the history.
	if c.history > 0 {
		start := time.Now()
		client.RunUntil(ctx, srv.addr, 0, func() bool { return client.Acks().Total() >= c.history })
		r.warm, r.warmElapsed = client.Stats(), time.Since(start)
		client.ResetStats()
		if client.Acks().Total() < c.history && ctx.Err() == nil {
			r.warmShort = true // a lane failed: the failures say why
		}
	}
	r.warmActions = client.Acks().Total()
	base, err := logSize(ctx, srv.addr, crew)
	if err != nil {
		srv.stop(30 * time.Second)
		return r, err
	}
	r.startSize = base
	fmt.Printf("  warm-up done: %d actions acknowledged in %v, log of %d entries; measuring from now\n",
		r.warmActions, r.warmElapsed.Round(time.Millisecond), base)

	entries := func() int64 { return int64(base) + int64(client.Acks().Total()-r.warmActions) }
	sampleCtx, stopSampling := context.WithCancel(ctx)
	mem := sampleMemory(sampleCtx, srv, c.sample, entries)
	runCtx, cancel := context.WithTimeout(ctx, c.duration)
	start := time.Now()
	client.Run(runCtx, srv.addr, c.rate)
	elapsed := time.Since(start)
	cancel()
	stopSampling()

	r.stats, r.mem, r.elapsed = client.Stats(), mem, elapsed
	if err := srv.stop(30 * time.Second); err != nil {
		r.stopErr = err
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if st, err = sf.Open(ctx, false); err != nil {
		return r, err
	}
	r.size, r.ackErr = client.Acks().Check(ctx, st, crew.Production)
	st.Close()
	r.verifyErr = coldset(ctx, []string{"verify", "--key", c.key, "--db", c.db, "--postgres", c.postgres})
	// An exit code is verify's answer (a log that does not verify); any other error
	// means it could not look.
	var answered interface{ ExitCode() int }
	if r.verifyErr != nil && !errors.As(r.verifyErr, &answered) {
		return r, r.verifyErr
	}
	return r, nil
}

// expectedActions is how many actions a run of c sends: 7 of every 10 requests of
// a lane's round are actions, 3 are reads.
func expectedActions(c soakConfig) int {
	return int(c.rate * c.duration.Seconds() * 7 / 10)
}

// logSize asks the server how many entries the crew's production holds.
func logSize(ctx context.Context, base string, crew loadmix.Crew) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/productions/"+crew.Production+"/checkpoint", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+crew.Tokens[loadgen.Producer])
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("read the log's size: %w", err)
	}
	defer resp.Body.Close()
	var cp struct {
		Size uint64 `json:"size"`
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("read the log's size: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&cp); err != nil {
		return 0, fmt.Errorf("read the log's size: %w", err)
	}
	return cp.Size, nil
}
