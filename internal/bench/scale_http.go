package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/loadmix"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/server"
	"coldset/internal/store"
)

// scaleHTTP adds one lane to p and sends its actions and reads one at a time through
// an in-process server on lg and its backend, returning the mean latency of an
// action (POST) and of the production's overview (GET): what a user waits for at
// this size.
func scaleHTTP(ctx context.Context, backend store.Backend, lg *ledger.Ledger, p *production.Production, lane, rounds int) (action, overview time.Duration, err error) {
	for _, st := range append(loadgen.AddLanes(lane, lane+1), loadgen.Meeting(lane+1)) {
		res, err := p.Do(ctx, st.By, st.Cmd, time.Now())
		if err == nil && res.Outcome != rules.OK {
			err = fmt.Errorf("%s refused (%s): %s", st.Cmd.Do, res.Rule, res.Message)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("add lane %d to %s: %w", lane, p.ID(), err)
		}
	}
	tokens, err := loadmix.IssueTokens(ctx, backend, p.ID(), []string{loadgen.Armorer, loadgen.SafetyOfficer, loadgen.Producer, loadgen.Actor(lane)}, time.Now())
	if err != nil {
		return 0, 0, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	srv := &http.Server{Handler: server.New(server.Config{Ledger: lg, Store: backend, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	c := &httpClient{
		base:   "http://" + ln.Addr().String() + "/api/productions/" + p.ID(),
		tokens: tokens,
		client: &http.Client{Timeout: time.Minute},
		status: map[string]map[int]int{},
	}
	var actions, overviews int
	for k := range rounds * loadgen.LanePeriod {
		st := loadgen.LaneStep(lane, k)
		round := k / loadgen.LanePeriod
		t := time.Now()
		if err := c.send(ctx, st, round); err != nil {
			return 0, 0, err
		}
		switch d := time.Since(t); c.kind(st, round) {
		case "GET overview":
			overview += d
			overviews++
		case "GET checkpoint", "GET proof/inclusion":
		default:
			action += d
			actions++
		}
	}
	return action / time.Duration(max(actions, 1)), overview / time.Duration(max(overviews, 1)), nil
}
