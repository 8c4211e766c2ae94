package loadmix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"coldset/internal/loadgen"
)

// Client sends a crew's work to a server: each lane walks loadgen's sequence for
// its firearm and actor (inspect, hand over, accept, return, file a concern,
// acknowledge and resolve it) with reads between. Lanes remember where they are
// across runs, so a test can kill the server, start another and carry on; concern
// ids stay unique. It is safe for concurrent use, but one Run at a time.
type Client struct {
	crew Crew
	http *http.Client
	acks *Acks

	mu    sync.Mutex
	next  []int // each lane's next slot
	stats Stats
}

// NewClient returns a client for crew whose requests give up after timeout: a
// server that hangs counts as failed, not as slow.
func NewClient(crew Crew, timeout time.Duration) *Client {
	return &Client{
		crew:  crew,
		http:  &http.Client{Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		acks:  NewAcks(),
		next:  make([]int, crew.Lanes),
		stats: newStats(),
	}
}

// Crew returns the production and people the client acts as.
func (c *Client) Crew() Crew { return c.crew }

// Acks returns what the server has acknowledged so far.
func (c *Client) Acks() *Acks { return c.acks }

// Stats returns a copy of the counts so far.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats.clone()
}

// ResetStats forgets the counts so far, so that what follows is measured on its own
// (after a warm-up). What the server acknowledged stays in Acks.
func (c *Client) ResetStats() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats = newStats()
}

// Run sends every lane's steps to the server at base (http://host:port), one
// goroutine per lane, paced to rate requests per second in all (0: as fast as the
// server answers), until ctx ends. A lane stops early when a request fails in
// transport (the server is gone or did not answer in time); Run returns when every
// lane has stopped. Answers of any status do not stop a lane: it moves on to its
// next step, as a person on set would after a refusal.
func (c *Client) Run(ctx context.Context, base string, rate float64) {
	c.RunUntil(ctx, base, rate, nil)
}

// RunUntil is Run that also stops when enough() reports true, checked between
// steps: unlike ending ctx, it cuts no request short, so no lane loses a step the
// server may or may not have taken.
func (c *Client) RunUntil(ctx context.Context, base string, rate float64, enough func() bool) {
	var pace <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		pace = t.C
	}
	var wg sync.WaitGroup
	for lane := range c.crew.Lanes {
		wg.Go(func() {
			for {
				if pace != nil {
					select {
					case <-pace:
					case <-ctx.Done():
						return
					}
				}
				if ctx.Err() != nil || enough != nil && enough() {
					return
				}
				c.mu.Lock()
				k := c.next[lane]
				c.next[lane]++
				c.mu.Unlock()
				if !c.step(ctx, base, lane, k) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// step sends slot k of lane and records the answer. It reports false when the
// request failed in transport.
func (c *Client) step(ctx context.Context, base string, lane, k int) bool {
	r := c.request(lane, k)
	start := time.Now()
	status, body, err := c.send(ctx, base, r)
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			c.mu.Lock()
			c.stats.transport(r.kind, err)
			c.mu.Unlock()
		}
		return false
	}
	c.mu.Lock()
	c.stats.answer(r.kind, r.page, status, elapsed, body)
	c.mu.Unlock()
	if status == http.StatusOK && r.action != "" {
		c.acks.add(r.action, r.subject)
	}
	return true
}

// request is one HTTP request of the mix, ready to send.
type request struct {
	kind, method, path, token string
	page                      bool // a web page, not the JSON API
	body                      []byte
	action, subject           string // for actions: what an acknowledgement records
}

// reads are the pages a lane's read slots go round: what people on set and in the
// office look at while the work goes on.
var reads = []struct{ kind, path string }{
	{"GET overview", "/api/productions/%s"},
	{"GET checkpoint", "/api/productions/%s/checkpoint"},
	{"GET daily report", "/productions/%s/day"},
	{"GET proof", "/api/productions/%s/proof/inclusion?index=%d"},
	{"GET entries", "/api/productions/%s/entries?from=%d&to=%d"},
	{"GET concerns page", "/productions/%s/concerns"},
	{"GET armory page", "/productions/%s/armory"},
}

// request builds slot k of lane's sequence.
func (c *Client) request(lane, k int) request {
	step := loadgen.LaneStep(lane, k)
	id := c.crew.Production
	if step.Cmd.Do == loadgen.Read.Cmd.Do {
		// Every log has at least one entry per round of a lane: round is in range.
		rd, round := reads[(lane+k)%len(reads)], k/loadgen.LanePeriod
		path := rd.path
		switch rd.kind {
		case "GET proof":
			path = fmt.Sprintf(path, id, round)
		case "GET entries":
			path = fmt.Sprintf(path, id, round, round+20)
		default:
			path = fmt.Sprintf(path, id)
		}
		page := !strings.HasPrefix(path, "/api/")
		return request{kind: rd.kind, method: http.MethodGet, path: path, page: page, token: c.crew.Tokens[loadgen.Producer]}
	}
	body, _ := json.Marshal(map[string]any{"do": step.Cmd.Do, "with": step.Cmd.With})
	return request{
		kind: "POST " + step.Cmd.Do, method: http.MethodPost, path: "/api/productions/" + id + "/actions",
		token: c.crew.Tokens[step.By.Person], body: body,
		action: step.Cmd.Do, subject: subject(step.Cmd.With),
	}
}

// send does r and returns the status and, for a failure, the body.
func (c *Client) send(ctx context.Context, base string, r request) (status int, body []byte, err error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: read answer: %w", r.method, r.path, err)
	}
	if resp.StatusCode == http.StatusOK {
		b = nil
	}
	return resp.StatusCode, b, nil
}

// Problem is the part of an RFC 9457 problem document the fault tests look at.
type Problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// ParseProblem reads a problem document, or fails for anything else.
func ParseProblem(b []byte) (Problem, error) {
	var p Problem
	if err := json.Unmarshal(b, &p); err != nil || p.Status == 0 {
		return Problem{}, errors.New("not a problem document: " + string(bytes.TrimSpace(b)))
	}
	return p, nil
}
