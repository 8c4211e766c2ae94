package main

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coldset/internal/loadmix"
	"coldset/internal/store/postgres"
)

// TestPostgresRestartMidLoad crashes the server's PostgreSQL while clients act
// through the API, keeps it down for two seconds and starts it again. While it is
// down every request must be answered promptly with 503 "storage unavailable"
// (no hang, no 500); once it is back the same `coldset serve` process must serve
// again by itself, and no acknowledged action may be lost.
func TestPostgresRestartMidLoad(t *testing.T) {
	pg := startPostgres(t)
	bin := buildColdset(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "coldset.key")
	st, err := postgres.Open(context.Background(), pg.url())
	if err != nil {
		t.Fatal(err)
	}
	client := loadmix.NewClient(seedLoad(t, st, key, 6), 5*time.Second)
	storeArgs := []string{"--postgres", pg.url(), "--key", key}
	srv := startServe(t, bin, dir, storeArgs...)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { client.Run(ctx, srv.addr, 300); close(done) }()
	defer func() { cancel(); <-done }()

	waitAcknowledged(t, client, 0)
	time.Sleep(time.Second)
	up := client.Stats()
	if up.ServerErrors() > 0 || client.Acks().Total() == 0 {
		t.Fatalf("before the outage: %d acknowledged, %d 5xx: %v", client.Acks().Total(), up.ServerErrors(), up.FirstFail)
	}
	pg.crash(t)
	time.Sleep(2 * time.Second)
	down := client.Stats()
	if n := down.Count(func(s int) bool { return s == 503 }); n == 0 {
		t.Fatalf("no 503 answer while PostgreSQL was down: %v", down.Status)
	}
	pg.start(t)
	restarted := time.Now()
	waitRecovered(t, client, srv, restarted, 20*time.Second, "the server did not recover within 20 s of PostgreSQL's restart")
	cancel()
	<-done

	final := client.Stats()
	if final.Transport > 0 {
		t.Fatalf("%d requests got no answer (a hang or a dropped connection): %s", final.Transport, final.FirstFail[0])
	}
	for status, types := range final.Problems {
		if status != 503 || !slices.Equal(slices.Sorted(maps.Keys(types)), []string{loadmix.PageError, "/problems/unavailable"}) {
			t.Errorf("answers %d with problem types %v, want only 503 /problems/unavailable (and error pages); first: %s", status, types, final.FirstFail[status])
		}
	}
	for _, lat := range final.Latency {
		if m := slices.Max(lat); m > 3*time.Second {
			t.Errorf("a request took %v: the server hung on the missing database", m)
		}
	}
	size := checkAcknowledged(t, openPostgres(pg.url()), client)
	out := mustColdset(t, bin, dir, append([]string{"verify"}, storeArgs...)...)
	if !strings.Contains(out, "production "+loadProduction+": ok") {
		t.Fatalf("verify printed:\n%s", out)
	}
	var b strings.Builder
	final.Print(&b)
	t.Logf("last 503 %v after PostgreSQL restarted; %d actions acknowledged, log of %d entries, %d answers 503 during the outage\n%s",
		final.LastServerError.Sub(restarted).Round(time.Millisecond), client.Acks().Total(), size, final.Count(func(s int) bool { return s == 503 }), b.String())
}
