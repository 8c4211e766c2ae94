package main

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"coldset/internal/loadmix"
)

// smallDisk mounts an 8 MiB tmpfs for the test and returns its path. Mounting
// needs root (or CAP_SYS_ADMIN); without it the test is skipped, unless the
// environment variable CI is set.
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m,mode=0755"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a small tmpfs: %v", err)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes path until the disk it is on has no room left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v", path, err)
			}
			return
		}
	}
}

// TestDiskFullUnderLoad fills the disk under a server's SQLite database while
// clients act through the API. Writes must fail clearly (507 "disk full"), reads
// go on, nothing acknowledged is lost, the database stays whole, and the same
// server process writes again as soon as space is freed.
func TestDiskFullUnderLoad(t *testing.T) {
	disk := smallDisk(t)
	bin := buildColdset(t)
	db := filepath.Join(disk, "coldset.db")
	client := loadmix.NewClient(seedSQLiteLoad(t, disk, 6), 5*time.Second)
	srv := startServe(t, bin, disk, "--db", "coldset.db")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { client.Run(ctx, srv.addr, 300); close(done) }()
	defer func() { cancel(); <-done }()

	waitAcknowledged(t, client, 0)
	time.Sleep(500 * time.Millisecond)
	filler := filepath.Join(disk, "filler")
	fill(t, filler)
	full := time.Now()
	// The WAL has room for a few commits more; then every write fails.
	for client.Stats().Count(func(s int) bool { return s == 507 }) == 0 {
		if time.Since(full) > 15*time.Second {
			st := client.Stats()
			t.Fatalf("no 507 within 15 s of filling the disk: %v %v\n%s", st.Status, st.FirstFail, srv.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	writesFailed := time.Since(full)
	time.Sleep(time.Second)
	during := client.Stats()
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	waitRecovered(t, client, srv, freed, 15*time.Second, "writes did not recover within 15 s of freeing space")
	cancel()
	<-done
	srv.stop(t)

	final := client.Stats()
	if final.Transport > 0 {
		t.Fatalf("%d requests got no answer: %s", final.Transport, final.FirstFail[0])
	}
	for status, types := range final.Problems {
		if status != 507 || !slices.Equal(slices.Sorted(maps.Keys(types)), []string{loadmix.PageError, "/problems/disk-full"}) &&
			!slices.Equal(slices.Sorted(maps.Keys(types)), []string{"/problems/disk-full"}) {
			t.Errorf("answers %d with problem types %v, want only 507 /problems/disk-full; first: %s", status, types, final.FirstFail[status])
		}
	}
	readsWhileFull := 0
	for kind, byStatus := range during.Status {
		if strings.HasPrefix(kind, "GET ") {
			readsWhileFull += byStatus[200]
		}
	}
	checkIntegrity(t, db)
	size := checkAcknowledged(t, openSQLite(db), client)
	out := mustColdset(t, bin, disk, "verify", "--db", "coldset.db")
	if !strings.Contains(out, "production "+loadProduction+": ok") {
		t.Fatalf("verify printed:\n%s", out)
	}
	var b strings.Builder
	final.Print(&b)
	t.Logf("writes failed %v after the disk filled, last 5xx %v after space was freed; %d reads answered 200 meanwhile; %d actions acknowledged, log of %d entries\n%s",
		writesFailed.Round(time.Millisecond), final.LastServerError.Sub(freed).Round(time.Millisecond), readsWhileFull, client.Acks().Total(), size, b.String())
}

// checkIntegrity fails the test unless SQLite finds db whole.
func checkIntegrity(t *testing.T, db string) {
	t.Helper()
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var res string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}
