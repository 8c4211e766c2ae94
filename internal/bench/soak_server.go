package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// child is a `coldset serve` process the soak runs its load against.
type child struct {
	cmd  *exec.Cmd
	addr string // http://host:port
	done chan struct{}
	err  error // of Wait, once done

	// onGC is given the live heap, in MiB, of each garbage collection the server's
	// runtime traces (GODEBUG=gctrace=1); nil: the traces are dropped.
	onGC atomic.Pointer[func(liveMiB int64)]

	mu   sync.Mutex
	tail []string // the last lines it logged
}

// gcTrace matches the runtime's line for one garbage collection: "gc 12 @3.4s 1%:
// ..., 9->10->5 MB, 11 MB goal, ...". The third heap size is what the collection
// found live.
var gcTrace = regexp.MustCompile(`^gc \d+ @[0-9.]+s \d+%: .* \d+->\d+->(\d+) MB, \d+ MB goal`)

// startChild starts this binary's serve on a free port with args and waits until
// it listens. Its log goes to logPath, if not empty, without the GC traces, which
// go to onGC.
func startChild(args []string, logPath string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	var logFile io.WriteCloser = nopWriteCloser{io.Discard}
	if logPath != "" {
		f, err := os.Create(logPath)
		if err != nil {
			return nil, fmt.Errorf("start server: %w", err)
		}
		logFile = f
	}
	c := &child{cmd: exec.Command(exe, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...), done: make(chan struct{})}
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	c.cmd.Env = append(os.Environ(), "GODEBUG="+godebug)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	if err := c.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	addr := make(chan string, 1)
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := gcTrace.FindStringSubmatch(line); m != nil {
				if f := c.onGC.Load(); f != nil {
					mib, _ := strconv.ParseInt(m[1], 10, 64)
					(*f)(mib)
				}
				continue
			}
			// The runtime's GC trace shares stderr and may be written into the middle
			// of this line ("gc 1listening on ..."), so the address is looked for
			// anywhere in it.
			if _, a, ok := strings.Cut(line, "listening on "); ok {
				if a, _, _ = strings.Cut(a, " "); a != "" {
					addr <- "http://" + a
				}
			}
			c.mu.Lock()
			c.tail = append(c.tail, line)
			if len(c.tail) > 50 {
				c.tail = c.tail[1:]
			}
			c.mu.Unlock()
			select {
			case lines <- line:
			default: // a log writer that cannot keep up loses lines, never the server
			}
		}
		close(lines)
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	go func() {
		defer logFile.Close()
		for l := range lines {
			fmt.Fprintln(logFile, l)
		}
	}()
	select {
	case c.addr = <-addr:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("start server: it exited: %v\n%s", c.err, c.logTail())
	case <-time.After(60 * time.Second):
		c.cmd.Process.Kill()
		return nil, fmt.Errorf("start server: not listening after 60 s\n%s", c.logTail())
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the server to shut down (SIGTERM) and waits for it, killing it after
// timeout. It returns an error unless the server exited cleanly in time.
func (c *child) stop(timeout time.Duration) error {
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(timeout):
		c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("the server did not stop within %v of SIGTERM", timeout)
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return fmt.Errorf("the server exited with %v\n%s", c.err, c.logTail())
	}
	return c.err
}

func (c *child) logTail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
