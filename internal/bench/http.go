package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/loadmix"
	"coldset/internal/production"
	"coldset/internal/server"
)

// runHTTP drives an in-process server over real HTTP connections with an open-loop
// schedule of a production's actions and reads, and reports latency percentiles
// measured from each request's scheduled send time. Beside them it prints the
// latency of the one fsync every action waits for, the floor under a write.
func runHTTP(ctx context.Context, args []string, _ Coldset) error {
	fs, pf := newFlagSet("bench http")
	rate := fs.Float64("rate", 500, "requests per second, sent on a fixed schedule whatever the responses")
	duration := fs.Duration("duration", 30*time.Second, "how long to send")
	lanes := fs.Int("lanes", 50, "independent firearm-and-actor sequences the requests go round; each lane's requests follow one another")
	db := fs.String("db", "", "SQLite database file (default: a new one in a temporary directory)")
	pgURL := fs.String("postgres", "", "PostgreSQL URL, instead of SQLite")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *rate <= 0 || *duration <= 0 || *lanes < 1 {
		return cli.UsageError(fs, "--rate, --duration and --lanes must be positive")
	}
	dbPath := *db
	if dbPath == "" {
		path, remove, err := scratchDB("")
		if err != nil {
			return err
		}
		defer remove()
		dbPath = path
	}
	// The key sits beside the SQLite file, even with --postgres.
	st, signer, err := (&cli.StoreFlags{DB: dbPath, Postgres: *pgURL}).OpenWithKey(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	printMachine(filepath.Dir(dbPath))
	lg := ledger.New(st, signer, production.NewFolder)
	defer lg.Close()
	h := server.New(server.Config{Ledger: lg, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	// The production's timezone puts the run near local noon, so that the day does
	// not end during it.
	now := time.Now()
	crew, err := loadmix.Seed(ctx, st, signer, fmt.Sprintf("http-%d", now.Unix()), *lanes, now)
	if err != nil {
		return err
	}
	c := &httpClient{
		base:   "http://" + ln.Addr().String() + "/api/productions/" + crew.Production,
		tokens: crew.Tokens,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4096, MaxIdleConns: 4096}},
		status: map[string]map[int]int{},
	}
	fmt.Printf("bench http: %.0f requests/s for %v, %d lanes, production %s (%s)\n", *rate, *duration, *lanes, crew.Production, storeName(*pgURL, dbPath))

	// Every request is prepared before the clock starts, so that the sender spends
	// as little as it can of the CPUs it shares with the server.
	reqs := make([]httpRequest, int(*rate*duration.Seconds()))
	kinds := make([]string, len(reqs))
	for i := range reqs {
		step, round := loadgen.LaneStep(i%*lanes, i / *lanes), i / *lanes
		reqs[i], kinds[i] = c.prepare(step, round), c.kind(step, round)
	}
	stop, err := pf.start()
	if err != nil {
		return err
	}
	// A lane is one person working through a day: its next request waits until the
	// one before it was answered, as a person acts on what the last answer showed,
	// so a slow server cannot make a lane's steps overtake each other. The wait still
	// counts in the latency, which runs from the scheduled time.
	answered := make([]chan struct{}, len(reqs))
	for i := range answered {
		answered[i] = make(chan struct{})
	}
	res := loadgen.Run(ctx, *rate, *duration, func(ctx context.Context, i int) error {
		defer close(answered[i])
		if prev := i - *lanes; prev >= 0 {
			select {
			case <-answered[prev]:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return c.do(ctx, reqs[i])
	})
	stop()
	if err := ctx.Err(); err != nil {
		return err
	}
	printHTTPResult(res, kinds, c)
	floor, err := fsyncLatency(filepath.Dir(dbPath), 500)
	if err != nil {
		return err
	}
	fmt.Printf("  raw limit, one fsync'd write (f.Write + f.Sync of one entry): %s\n", floor)
	printLoad()
	if res.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed; first: %w", res.Errors, len(res.Latencies), res.FirstErr)
	}
	return nil
}

func storeName(pgURL, dbPath string) string {
	if pgURL != "" {
		return "postgres"
	}
	return "sqlite " + dbPath
}

func printHTTPResult(res loadgen.Result, kinds []string, c *httpClient) {
	sent := len(res.Latencies)
	fmt.Printf("  sent %d of %d scheduled in %v (%.0f/s achieved), %d errors, sender at most %v behind schedule\n",
		sent, res.Scheduled, res.Elapsed.Round(time.Millisecond), float64(sent)/res.Elapsed.Seconds(), res.Errors, fmtDur(res.Behind))
	fmt.Printf("  all requests:  %s\n", loadgen.Summarize(res.Latencies))
	// The same requests by when they were scheduled: a figure that grows from one
	// third of the run to the next costs more as the production grows.
	for third := range 3 {
		lo, hi := sent*third/3, sent*(third+1)/3
		fmt.Printf("    third %d of the run:      %s\n", third+1, loadgen.Summarize(res.Latencies[lo:hi]))
	}
	byKind := map[string][]time.Duration{}
	for i, lat := range res.Latencies {
		byKind[kinds[i]] = append(byKind[kinds[i]], lat)
	}
	names := make([]string, 0, len(byKind))
	for k := range byKind {
		names = append(names, k)
	}
	sort.Strings(names)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range names {
		fmt.Printf("    %-24s %s  statuses %v\n", k, loadgen.Summarize(byKind[k]), c.status[k])
	}
}

// httpClient sends the workload's steps to one production of the server.
type httpClient struct {
	base   string
	tokens map[string]string // person -> API token
	client *http.Client

	mu     sync.Mutex
	status map[string]map[int]int // kind -> status -> count
}

// kind names a request for the latency table.
func (c *httpClient) kind(st loadgen.Step, round int) string {
	if st.Cmd.Do != loadgen.Read.Cmd.Do {
		return "POST " + st.Cmd.Do
	}
	return "GET " + c.readPath(round)
}

// readPath is which read a lane's read slot does: the production's overview, its
// checkpoint, or an inclusion proof, in turn.
func (c *httpClient) readPath(round int) string {
	switch round % 3 {
	case 0:
		return "overview"
	case 1:
		return "checkpoint"
	}
	return "proof/inclusion"
}

// httpRequest is one request of the workload, ready to send.
type httpRequest struct {
	kind, method, url, token string
	body                     []byte
}

// prepare builds the request for a lane's step in the given round.
func (c *httpClient) prepare(st loadgen.Step, round int) httpRequest {
	r := httpRequest{kind: c.kind(st, round), method: http.MethodGet, url: c.base}
	if st.Cmd.Do == loadgen.Read.Cmd.Do {
		switch c.readPath(round) {
		case "checkpoint":
			r.url += "/checkpoint"
		case "proof/inclusion":
			r.url += fmt.Sprintf("/proof/inclusion?index=%d", round)
		}
		r.token = c.tokens[loadgen.Producer]
		return r
	}
	r.method, r.url, r.token = http.MethodPost, c.base+"/actions", c.tokens[st.By.Person]
	r.body, _ = json.Marshal(map[string]any{"do": st.Cmd.Do, "with": st.Cmd.With})
	return r
}

// send prepares and sends a lane's step.
func (c *httpClient) send(ctx context.Context, st loadgen.Step, round int) error {
	return c.do(ctx, c.prepare(st, round))
}

// do sends r and fails unless the server answers 200.
func (c *httpClient) do(ctx context.Context, r httpRequest) error {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.count(r.kind, 0)
		return err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.count(r.kind, resp.StatusCode)
	if resp.StatusCode != http.StatusOK {
		return errors.New(r.kind + ": " + resp.Status + ": " + string(bytes.TrimSpace(msg)))
	}
	return nil
}

func (c *httpClient) count(kind string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status[kind] == nil {
		c.status[kind] = map[int]int{}
	}
	c.status[kind][status]++
}
