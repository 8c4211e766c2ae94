package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/loadmix"
	"coldset/internal/store"
	"coldset/internal/store/storetest"
)

// backupWhileServing runs load against a server on storeArgs, takes three
// backups with the real binary while it appends, and returns the last backup and
// what had been acknowledged before it began.
func backupWhileServing(t *testing.T, bin, dir string, storeArgs []string, client *loadmix.Client) (archive string, before *loadmix.Acks) {
	t.Helper()
	srv := startServe(t, bin, dir, storeArgs...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { client.Run(ctx, srv.addr, 0); close(done) }()
	for i := range 3 {
		time.Sleep(300 * time.Millisecond)
		before = client.Acks().Snapshot()
		archive = filepath.Join(t.TempDir(), "backup.sqlite")
		out := mustColdset(t, bin, dir, append([]string{"backup", "--out", archive}, storeArgs...)...)
		if !strings.Contains(out, "entries") {
			t.Fatalf("backup %d printed:\n%s", i, out)
		}
	}
	time.Sleep(200 * time.Millisecond)
	cancel()
	<-done
	srv.stop(t)
	if st := client.Stats(); st.ServerErrors() > 0 || st.Transport > 0 {
		t.Fatalf("the server failed during backups: %v", st.FirstFail)
	}
	t.Logf("backups taken while %d actions were acknowledged", client.Acks().Total())
	return archive, before
}

// restoreAndCheck restores archive into the store of storeArgs (with the key at
// key), expects verify to pass, checks that everything acknowledged before the
// backup is there, and that a second restore is refused without --force.
func restoreAndCheck(t *testing.T, bin, archive, key string, storeArgs []string, open func() (store.Backend, error), before *loadmix.Acks) {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"restore", "--in", archive, "--key", key}, storeArgs...)
	out := mustColdset(t, bin, dir, args...)
	if !strings.Contains(out, "production "+loadProduction+": ok") {
		t.Fatalf("restore printed:\n%s", out)
	}
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	size, err := before.Check(context.Background(), st, loadProduction)
	st.Close()
	if err != nil {
		t.Fatalf("restored from a backup taken after they were acknowledged: %v", err)
	}
	code, _, errOut := runColdset(t, bin, dir, args...)
	if code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("restore over a restored store: exit %d, %s; want exit 1, not empty", code, errOut)
	}
	mustColdset(t, bin, dir, append(args, "--force")...)
	t.Logf("restored %d entries (%v)", size, storeArgs[:1])
}

func TestBackupWhileServingSQLite(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	client := loadmix.NewClient(seedSQLiteLoad(t, dir, 6), 10*time.Second)
	key := filepath.Join(dir, "coldset.key")
	archive, before := backupWhileServing(t, bin, dir, []string{"--db", "coldset.db"}, client)

	// Into a new SQLite file, then a server on it answers the same API tokens.
	restored := filepath.Join(t.TempDir(), "coldset.db")
	restoreAndCheck(t, bin, archive, key, []string{"--db", restored}, openSQLite(restored), before)
	srv := startServe(t, bin, filepath.Dir(restored), "--db", restored, "--key", key)
	crewCanRead(t, srv.addr, client)

	// Into PostgreSQL: the same archive moves a deployment between stores.
	url := storetest.PostgresURL(t)
	restoreAndCheck(t, bin, archive, key, []string{"--postgres", url}, openPostgres(url), before)
}

func TestBackupWhileServingPostgres(t *testing.T) {
	bin := buildColdset(t)
	dir := t.TempDir()
	url := storetest.PostgresURL(t)
	key := filepath.Join(dir, "coldset.key")
	st, err := openPostgres(url)()
	if err != nil {
		t.Fatal(err)
	}
	client := loadmix.NewClient(seedLoad(t, st, key, 6), 10*time.Second)
	storeArgs := []string{"--postgres", url, "--key", key}
	archive, before := backupWhileServing(t, bin, dir, storeArgs, client)

	other := storetest.PostgresURL(t)
	restoreAndCheck(t, bin, archive, key, []string{"--postgres", other}, openPostgres(other), before)
	srv := startServe(t, bin, dir, "--postgres", other, "--key", key)
	crewCanRead(t, srv.addr, client)

	restored := filepath.Join(t.TempDir(), "coldset.db")
	restoreAndCheck(t, bin, archive, key, []string{"--db", restored}, openSQLite(restored), before)
}

// crewCanRead checks that the load crew's API tokens work on a restored server.
func crewCanRead(t *testing.T, addr string, client *loadmix.Client) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, addr+"/api/productions/"+loadProduction, nil)
	req.Header.Set("Authorization", "Bearer "+client.Crew().Tokens["sol"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the production with a token from before the backup: %s", resp.Status)
	}
}
