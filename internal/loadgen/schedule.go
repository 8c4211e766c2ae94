// Package loadgen drives coldset the way its users do, for benchmarks: an open-loop
// schedule of requests at a fixed rate, the latency summary of what it measured, and
// the workload itself (a production's cast, firearms and the actions of a shooting
// day), as rules commands that can be sent over HTTP or folded straight into a state.
package loadgen

import (
	"context"
	"sync"
	"time"
)

// Result is what one open-loop run measured.
type Result struct {
	Scheduled int             // requests the schedule called for
	Errors    int             // requests whose function returned an error
	FirstErr  error           // the first of them
	Latencies []time.Duration // of every request, from its scheduled send time, in schedule order
	Behind    time.Duration   // the largest delay between a scheduled send time and the send
	Elapsed   time.Duration   // from the first scheduled send to the last response
}

// Run calls do(ctx, i) for i = 0, 1, ... at rate calls per second for duration,
// each on its own goroutine, whether or not earlier calls have returned: an open loop,
// as independent users behave. A call's latency counts from the moment the schedule
// meant to send it, not from when it was sent, so a slow system cannot hide its
// queueing by slowing the sender down (coordinated omission). Run returns once every
// call has returned; cancelling ctx stops the schedule early.
func Run(ctx context.Context, rate float64, duration time.Duration, do func(ctx context.Context, i int) error) Result {
	n := int(rate * duration.Seconds())
	res := Result{Latencies: make([]time.Duration, n)}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	sent := 0
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		if behind := time.Since(at); behind > res.Behind {
			res.Behind = behind
		}
		sent++
		wg.Go(func() {
			err := do(ctx, i)
			lat := time.Since(at)
			mu.Lock()
			defer mu.Unlock()
			res.Latencies[i] = lat
			if err != nil {
				res.Errors++
				if res.FirstErr == nil {
					res.FirstErr = err
				}
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Scheduled = n
	res.Latencies = res.Latencies[:sent]
	return res
}
