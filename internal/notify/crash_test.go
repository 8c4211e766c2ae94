package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"coldset/internal/notify"
	"coldset/internal/store/sqlite"
)

// The crash tests run the notifier in a child process (this test binary, running
// TestNotifierProcess) and kill it with SIGKILL, as a power cut or the OOM killer
// would: nothing is flushed, no deferred code runs.

const (
	envDB    = "COLDSET_NOTIFY_CHILD_DB"
	envMode  = "COLDSET_NOTIFY_CHILD_MODE" // "commit" or "deliver"
	envSMTP  = "COLDSET_NOTIFY_CHILD_SMTP"
	envClock = "COLDSET_NOTIFY_CHILD_CLOCK"
)

// TestNotifierProcess is the child. In mode commit it files concern c1 of
// production "crash" at t0 and kills itself at once, before any notifier could see
// the escalation; in mode deliver it runs the notifier, its clock stopped at the
// time given, until killed.
func TestNotifierProcess(t *testing.T) {
	db := os.Getenv(envDB)
	if db == "" {
		t.Skip("runs only as the child process of TestDeliveryAcrossKill")
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	lg := openLedger(t, st, filepath.Dir(db))
	if os.Getenv(envMode) == "commit" {
		fileConcern(t, openProduction(t, lg, "crash"), "c1", "high", false, t0)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	at, err := time.Parse(time.RFC3339, os.Getenv(envClock))
	if err != nil {
		t.Fatal(err)
	}
	notify.Run(context.Background(), notify.Config{Ledger: lg, Logs: st, Outbox: st, Clock: notify.NewManualClock(at), Webhooks: localHooks,
		Mail: &notify.SMTP{Addr: os.Getenv(envSMTP), From: "coldset@studio.test"}, Poll: 50 * time.Millisecond,
		Backoff: notify.Backoff{Base: 100 * time.Millisecond, Max: 400 * time.Millisecond}})
}

// child is one run of TestNotifierProcess.
type child struct {
	cmd *exec.Cmd
	out bytes.Buffer
}

func startChild(t *testing.T, db, mode, smtpAddr string, clock time.Time) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestNotifierProcess$", "-test.count=1")}
	c.cmd.Env = append(os.Environ(), envDB+"="+db, envMode+"="+mode, envSMTP+"="+smtpAddr, envClock+"="+clock.Format(time.RFC3339))
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	dieWithTest(c.cmd)
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	c.cmd.Process.Kill()
	c.cmd.Wait()
}

// wait waits for a child that ends by itself (mode commit kills itself).
func (c *child) wait(t *testing.T) {
	t.Helper()
	err := c.cmd.Wait()
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL (%v):\n%s", err, c.out.String())
	}
}

// setUpCrash makes the database of production "crash" with its crew and contacts,
// and returns the database's path and a store on it for the test to read.
func setUpCrash(t *testing.T, smtpDomain string, hooks *webhookSink) (string, *sqlite.Store) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "coldset.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lg := openLedger(t, st, dir)
	createProduction(t, openProduction(t, lg, "crash"))
	lg.Close() // the children write the production from here on
	setContacts(t, st, "crash", contactsFor(smtpDomain, hooks))
	return db, st
}

func deliveries(t *testing.T, st notify.Store) []notify.Delivery {
	t.Helper()
	ds, err := st.Deliveries(context.Background(), "crash")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
