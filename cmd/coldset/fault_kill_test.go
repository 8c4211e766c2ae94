package main

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/loadmix"
)

// TestKillUnderLoad kills `coldset serve` with SIGKILL at 50 random moments while
// clients hand over firearms and file concerns through the HTTP API. After every
// kill the log must verify and hold every action the server acknowledged, and the
// next server must carry on the same log.
func TestKillUnderLoad(t *testing.T) {
	kills := 50
	if testing.Short() {
		kills = 5
	}
	bin := buildColdset(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "coldset.db")
	client := loadmix.NewClient(seedSQLiteLoad(t, dir, 6), 10*time.Second)

	start := time.Now()
	var size uint64
	for i := range kills {
		srv := startServe(t, bin, dir, "--db", "coldset.db")
		before := client.Acks().Total()
		done := make(chan struct{})
		go func() { client.Run(context.Background(), srv.addr, 0); close(done) }()
		waitAcknowledged(t, client, before)
		// Kill somewhere in 0.2-1 s of load: mid-commit, mid-fsync, mid-answer.
		time.Sleep(200*time.Millisecond + rand.N(800*time.Millisecond))
		srv.kill()
		<-done // every lane stops at its first request without an answer

		if st := client.Stats(); st.ServerErrors() > 0 {
			t.Fatalf("kill %d: %d answers were 5xx; first: %v\n%s", i, st.ServerErrors(), st.FirstFail, srv.output())
		}
		out := mustColdset(t, bin, dir, "verify", "--db", "coldset.db")
		if !strings.Contains(out, "production "+loadProduction+": ok") {
			t.Fatalf("kill %d: verify printed:\n%s", i, out)
		}
		size = checkAcknowledged(t, openSQLite(db), client)
	}
	st := client.Stats()
	t.Logf("%d kills in %v: %d actions acknowledged %v, log of %d entries, %d requests answered",
		kills, time.Since(start).Round(time.Millisecond), client.Acks().Total(), client.Acks().ByAction(), size, st.Answered())
	var b strings.Builder
	st.Print(&b)
	t.Log("\n" + b.String())
}
