package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	osuser "os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// pgInstance is a PostgreSQL server of the test's own, on a free port, so that a
// test can stop and restart it without disturbing the shared server other tests use.
type pgInstance struct {
	bin  string // the directory of initdb, pg_ctl and postgres
	dir  string // holds data/ and the socket directory
	port int
	as   []string // the command prefix that runs a program as the data directory's owner
}

// startPostgres initdbs a fresh cluster in a temporary directory and starts it.
// PostgreSQL refuses to run as root, so under root the cluster belongs to the
// postgres user. The test is skipped when no PostgreSQL binaries are installed,
// unless the environment variable CI is set.
func startPostgres(t *testing.T) *pgInstance {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
		}
		t.Skip("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
	}
	slices.Sort(found)
	p := &pgInstance{bin: filepath.Dir(found[len(found)-1]), port: freePort(t)}
	// Not t.TempDir: its parents are private to this user, and the server may run as another.
	dir, err := os.MkdirTemp("", "coldset-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() {
		p.pgCtl("stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := osuser.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root and there is no postgres user to run a PostgreSQL server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.as = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := p.run("initdb", "-A", "trust", "-U", "postgres", "--no-sync", "-D", p.data()); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.start(t)
	return p
}

func (p *pgInstance) data() string { return filepath.Join(p.dir, "data") }

// url is the URL of the instance's postgres database.
func (p *pgInstance) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// start starts the server and waits until it accepts connections.
func (p *pgInstance) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", p.port, p.dir)
	if out, err := p.pgCtl("start", "-w", "-o", opts, "-l", filepath.Join(p.dir, "server.log")); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "server.log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// crash stops the server at once, as a power cut or an OOM kill would: no
// checkpoint, open connections dropped; the next start recovers from the WAL.
func (p *pgInstance) crash(t *testing.T) {
	t.Helper()
	if out, err := p.pgCtl("stop", "-m", "immediate", "-w"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (p *pgInstance) pgCtl(args ...string) ([]byte, error) {
	return p.run("pg_ctl", append([]string{"-D", p.data()}, args...)...)
}

func (p *pgInstance) run(program string, args ...string) ([]byte, error) {
	argv := append(slices.Clone(p.as), append([]string{filepath.Join(p.bin, program)}, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.dir
	return cmd.CombinedOutput()
}

// freePort returns a TCP port on 127.0.0.1 that nothing listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
