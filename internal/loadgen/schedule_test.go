package loadgen

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestRunCallsEachSlotOnce(t *testing.T) {
	var mu sync.Mutex
	calls := map[int]int{}
	res := Run(context.Background(), 1000, 50*time.Millisecond, func(_ context.Context, i int) error {
		mu.Lock()
		defer mu.Unlock()
		calls[i]++
		if i == 7 {
			return errors.New("slot 7 fails")
		}
		return nil
	})
	if got, want := res.Scheduled, 50; got != want {
		t.Fatalf("scheduled %d, want %d", got, want)
	}
	if got, want := len(res.Latencies), 50; got != want {
		t.Fatalf("%d latencies, want %d", got, want)
	}
	for i := range 50 {
		if calls[i] != 1 {
			t.Errorf("slot %d called %d times, want once", i, calls[i])
		}
	}
	if res.Errors != 1 || res.FirstErr == nil {
		t.Errorf("errors = %d (%v), want the one of slot 7", res.Errors, res.FirstErr)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(ctx, 1000, time.Second, func(context.Context, int) error { return nil })
	if len(res.Latencies) != 0 {
		t.Fatalf("%d calls after cancellation, want none", len(res.Latencies))
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var sorted []time.Duration
	for i := 1; i <= 1000; i++ {
		sorted = append(sorted, ms(i))
	}
	for _, tc := range []struct {
		name string
		p    float64
		want time.Duration
	}{
		{"median of 1..1000 ms", 50, ms(500)},
		{"p99 of 1..1000 ms", 99, ms(990)},
		{"p99.9 of 1..1000 ms", 99.9, ms(999)},
		{"p100 is the max", 100, ms(1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(sorted, tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
