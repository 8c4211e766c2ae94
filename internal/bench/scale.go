package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/cli"
	"coldset/internal/investigate"
	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/production"
	"coldset/internal/rules"
)

// runScale shows whether anything costs more per event as a production grows: for
// each size it fills a production, then times opening it (the state rebuild),
// appending realistic actions to it, proofs on it, and building its report and
// evidence bundle, all per event.
func runScale(ctx context.Context, args []string, coldset Coldset) error {
	fs, pf := newFlagSet("bench scale")
	sizesFlag := fs.String("sizes", "10000,100000,1000000", "production sizes, in events")
	dir := scratchDirFlag(fs)
	rounds := fs.Int("rounds", 10, "rounds of each of 8 lanes' actions appended at each size (7 actions a round)")
	reports := fs.Bool("reports", true, "also build the report and the evidence bundle at each size")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	sizes, err := intList(*sizesFlag)
	if err != nil {
		return cli.UsageError(fs, "--sizes: %v", err)
	}
	env, err := openScratch(*dir)
	if err != nil {
		return err
	}
	defer env.close()
	env.coldset = coldset
	printMachine(env.dir)
	stop, err := pf.start()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Println("bench scale: time per event; per proof for proofs; per request for POST (an action) and GET (the overview)")
	fmt.Printf("  %9s %10s %10s %10s %10s %10s %10s %10s %10s | %10s %10s\n", "events", "fill", "rebuild", "append", "inclusion", "consistency", "load", "report", "export", "POST", "GET")
	for _, size := range sizes {
		n, row, err := scaleOne(ctx, env, size, *rounds, *reports)
		if err != nil {
			return err
		}
		fmt.Printf("  %9d %10s %10s %10s %10s %10s %10s %10s %10s | %10s %10s\n", n,
			perEvent(row.fill, n), perEvent(row.rebuild, n), perEvent(row.append, row.appended),
			fmtDur(row.inclusion), fmtDur(row.consistency),
			perEvent(row.load, n), perEvent(row.report, n), perEvent(row.export, n),
			fmtDur(row.httpAction), fmtDur(row.httpOverview))
		fmt.Printf("  %9s in all: rebuild %v (%s), load %v, report %v, export %v; load average %s\n", "",
			fmtDur(row.rebuild), row.parts, fmtDur(row.load), fmtDur(row.report), fmtDur(row.export), loadAvg())
		if len(row.commands) > 0 {
			how := "each its own process"
			if testing.Testing() {
				how = "in this test's process"
			}
			fmt.Printf("  %9s whole commands, %s: %s; load average %s\n", "", how, strings.Join(row.commands, ", "), loadAvg())
		}
	}
	return nil
}

// scaleRow is what bench scale measured at one size.
type scaleRow struct {
	fill, rebuild, append, load, report, export time.Duration
	inclusion, consistency                      time.Duration // per proof
	httpAction, httpOverview                    time.Duration // per request
	parts                                       rebuildParts
	appended                                    int
	commands                                    []string // each command timed whole, with its output's size
}

// scaleOne measures a production of about size events, and returns its exact size.
func scaleOne(ctx context.Context, env *scratch, size, rounds int, reports bool) (n int, row scaleRow, err error) {
	id := fmt.Sprintf("scale-%d", size)
	t := time.Now()
	if n, _, err = fillProduction(ctx, env.st, env.signer, id, size); err != nil {
		return n, row, err
	}
	row.fill = time.Since(t)

	// Opened as the server opens a production on first use.
	lg := ledger.New(env.st, env.signer, production.NewFolder)
	defer lg.Close()
	t = time.Now()
	l, err := lg.Log(ctx, id)
	if err != nil {
		return n, row, err
	}
	row.rebuild = time.Since(t)
	if row.parts, err = timeRebuildParts(ctx, env.st, id, uint64(n)); err != nil {
		return n, row, err
	}
	p, err := production.FromLog(l)
	if err != nil {
		return n, row, err
	}

	before := l.Size()
	t = time.Now()
	if err := appendLanes(ctx, p, fillLanes, 2*fillLanes, rounds); err != nil {
		return n, row, err
	}
	row.append = time.Since(t)
	row.appended = int(l.Size() - before)
	if row.httpAction, row.httpOverview, err = scaleHTTP(ctx, env.st, lg, p, 2*fillLanes, max(rounds/2, 1)); err != nil {
		return n, row, err
	}

	end := l.Size()
	const proofs = 20_000
	t = time.Now()
	for range proofs {
		if _, err := l.InclusionProof(rand.Uint64N(end), end); err != nil {
			return n, row, err
		}
	}
	row.inclusion = time.Since(t) / proofs
	t = time.Now()
	for range proofs {
		if _, err := l.ConsistencyProof(1+rand.Uint64N(end-1), end); err != nil {
			return n, row, err
		}
	}
	row.consistency = time.Since(t) / proofs
	if !reports {
		return n, row, nil
	}
	return n, row, timeReports(ctx, env, id, &row)
}

// appendLanes adds lanes from..to-1 to p, holds a safety meeting for them, then runs
// their actions concurrently, one goroutine per lane, at the wall clock.
func appendLanes(ctx context.Context, p *production.Production, from, to, rounds int) error {
	do := func(st loadgen.Step) error {
		res, err := p.Do(ctx, st.By, st.Cmd, time.Now())
		if err == nil && res.Outcome != rules.OK {
			err = fmt.Errorf("%s by %q refused (%s): %s", st.Cmd.Do, st.By.Person, res.Rule, res.Message)
		}
		return err
	}
	for _, st := range append(loadgen.AddLanes(from, to), loadgen.Meeting(to)) {
		if err := do(st); err != nil {
			return fmt.Errorf("append to %s: %w", p.ID(), err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, to-from)
	for lane := from; lane < to; lane++ {
		wg.Go(func() {
			for k := range rounds * loadgen.LanePeriod {
				if st := loadgen.LaneStep(lane, k); st.Cmd.Do != loadgen.Read.Cmd.Do {
					if err := do(st); err != nil {
						errs <- fmt.Errorf("append to %s: %w", p.ID(), err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// timeReports loads the production as an investigator does (checked against its
// checkpoint), builds its investigation report with the HTML page, and writes its
// evidence bundle (without the PDF, which needs Chromium).
func timeReports(ctx context.Context, env *scratch, id string, row *scaleRow) error {
	t := time.Now()
	rec, err := investigate.Load(ctx, env.st, env.signer.Verifier(), id)
	if err != nil {
		return err
	}
	row.load = time.Since(t)
	t = time.Now()
	r, err := investigate.Build(rec, investigate.Options{})
	if err != nil {
		return err
	}
	if _, err := investigate.HTML(r); err != nil {
		return err
	}
	row.report = time.Since(t)
	skey, err := os.ReadFile(ledger.KeyPathFor(env.path))
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return err
	}
	t = time.Now()
	if err := investigate.Export(io.Discard, rec, signer, env.signer.VerifierKey(), investigate.Options{}, nil); err != nil {
		return err
	}
	row.export = time.Since(t)
	return timeCommands(ctx, env, id, row)
}

// timeCommands runs `coldset report` (HTML and JSON), `coldset export` (without the
// PDF) and `coldset verify --bundle` on the production as an investigator would, each
// as a process of its own, and times each from start to exit.
func timeCommands(ctx context.Context, env *scratch, id string, row *scaleRow) error {
	on := []string{"--db", env.path, "--production", id}
	html, js, bundle := filepath.Join(env.dir, id+".html"), filepath.Join(env.dir, id+".json"), filepath.Join(env.dir, id+".zip")
	defer os.Remove(bundle)
	for _, c := range []struct {
		name string
		args []string
		out  string
	}{
		{"report --format html", append([]string{"report", "--format", "html", "--out", html}, on...), html},
		{"report --format json", append([]string{"report", "--format", "json", "--out", js}, on...), js},
		{"export --pdf=false", append([]string{"export", "--pdf=false", "--out", bundle}, on...), bundle},
		{"verify --bundle", []string{"verify", "--bundle", bundle, "--key", ledger.KeyPathFor(env.path)}, ""},
	} {
		wall, cpu, err := runCommand(ctx, env.coldset, c.args)
		if err != nil {
			return fmt.Errorf("coldset %s: %w", c.name, err)
		}
		// The CPU time beside the wall time: on a shared machine the wall time
		// includes waiting for a CPU.
		var notes []string
		if cpu > 0 {
			notes = append(notes, "CPU "+fmtDur(cpu))
		}
		if c.out != "" {
			fi, err := os.Stat(c.out)
			if err != nil {
				return err
			}
			size := fmt.Sprintf("%.1f MB", float64(fi.Size())/1e6)
			if fi.Size() < 1e6 {
				size = fmt.Sprintf("%.1f kB", float64(fi.Size())/1e3)
			}
			notes = append(notes, size)
			if c.out != bundle {
				os.Remove(c.out)
			}
		}
		d := c.name + " " + fmtDur(wall)
		if len(notes) > 0 {
			d += " (" + strings.Join(notes, ", ") + ")"
		}
		row.commands = append(row.commands, d)
	}
	return nil
}

// runCommand runs coldset with args as a process of its own and returns its wall
// and CPU time. A test binary is not coldset: there the command runs in this
// process through coldset, and its CPU time is not known.
func runCommand(ctx context.Context, coldset Coldset, args []string) (wall, cpu time.Duration, err error) {
	t := time.Now()
	if testing.Testing() {
		if coldset == nil {
			return 0, 0, fmt.Errorf("coldset %s: no way to run it in a test binary", args[0])
		}
		if err := coldset(ctx, args); err != nil {
			return 0, 0, err
		}
		return time.Since(t), 0, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	return time.Since(t), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}
