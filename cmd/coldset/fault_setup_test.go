package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/loadmix"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

// loadProduction is the production the fault tests load.
const loadProduction = "load"

// seedLoad creates the load production with lanes lanes in st, signed with the key
// at keyPath (created if absent), and closes st.
func seedLoad(t *testing.T, st store.Backend, keyPath string, lanes int) loadmix.Crew {
	t.Helper()
	defer st.Close()
	signer, err := ledger.LoadOrCreateKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	crew, err := loadmix.Seed(context.Background(), st, signer, loadProduction, lanes, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return crew
}

// seedSQLiteLoad seeds the load production into dir/coldset.db, keyed beside it.
func seedSQLiteLoad(t *testing.T, dir string, lanes int) loadmix.Crew {
	t.Helper()
	db := filepath.Join(dir, "coldset.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	return seedLoad(t, st, ledger.KeyPathFor(db), lanes)
}

// checkAcknowledged fails the test unless every action client saw acknowledged is
// in the load production's log, read straight from the store.
func checkAcknowledged(t *testing.T, open func() (store.Backend, error), client *loadmix.Client) uint64 {
	t.Helper()
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	size, err := client.Acks().Check(context.Background(), st, loadProduction)
	if err != nil {
		t.Fatal(err)
	}
	return size
}

func openSQLite(path string) func() (store.Backend, error) {
	return func() (store.Backend, error) { return sqlite.Open(path) }
}

func openPostgres(url string) func() (store.Backend, error) {
	return func() (store.Backend, error) { return postgres.Open(context.Background(), url) }
}

// waitAcknowledged waits until client has more than before actions acknowledged:
// the server is up and its log open, so the fault hits a server at work.
func waitAcknowledged(t *testing.T, client *loadmix.Client, before int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for client.Acks().Total() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("no action acknowledged within 30 s: %v", client.Stats().FirstFail)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitRecovered waits for a second in which client's requests were answered and
// every answer was a success (or a refusal): the server has recovered from a fault
// that ended at since. It fails the test with failure if that takes longer than limit.
func waitRecovered(t *testing.T, client *loadmix.Client, srv *serveProc, since time.Time, limit time.Duration, failure string) {
	t.Helper()
	for {
		before := client.Stats()
		time.Sleep(time.Second)
		after := client.Stats()
		if after.ServerErrors() == before.ServerErrors() && after.Answered() > before.Answered() {
			return
		}
		if time.Since(since) > limit {
			t.Fatalf("%s: %v\n%s", failure, after.FirstFail, srv.output())
		}
	}
}
