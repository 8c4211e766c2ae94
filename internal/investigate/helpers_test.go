package investigate

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"coldset/internal/ledger"
	"coldset/internal/scenario"
	"coldset/internal/store/sqlite"
)

const westernPath = "../../../shared/scenarios/western-2021.yaml"

var western struct {
	once sync.Once
	dir  string
	err  error
}

// westernDB replays the western scenario once per test run, as `coldset replay
// --keep` would, and returns the database path; its key is beside it.
func westernDB(t *testing.T) string {
	t.Helper()
	needShared(t, westernPath)
	western.once.Do(func() {
		western.dir, western.err = os.MkdirTemp("", "coldset-investigate-*")
		if western.err == nil {
			western.err = replayWestern(filepath.Join(western.dir, "coldset.db"))
		}
	})
	if western.err != nil {
		t.Fatalf("replay western: %v", western.err)
	}
	return filepath.Join(western.dir, "coldset.db")
}

// replayWestern replays the western scenario into a new database at db, as `coldset
// replay --keep` would; its key is written beside it.
func replayWestern(db string) error {
	f, err := scenario.ParseFile(westernPath)
	if err != nil {
		return err
	}
	_, err = scenario.Replay(context.Background(), f, scenario.Options{DB: db})
	return err
}

// westernRecord loads the western ledger, checked against its checkpoint.
func westernRecord(t *testing.T) (*Record, *ledger.Signer) {
	t.Helper()
	return loadRecord(t, westernDB(t))
}

// loadRecord loads the western production's ledger from the database at db, checked
// against its checkpoint with the key beside it, which it returns too.
func loadRecord(tb testing.TB, db string) (*Record, *ledger.Signer) {
	tb.Helper()
	st, err := sqlite.Open(db)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	s, err := ledger.LoadKey(ledger.KeyPathFor(db))
	if err != nil {
		tb.Fatal(err)
	}
	rec, err := Load(context.Background(), st, s.Verifier(), "western-2021")
	if err != nil {
		tb.Fatal(err)
	}
	return rec, s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if western.dir != "" {
		os.RemoveAll(western.dir)
	}
	os.Exit(code)
}

// needShared skips a test that reads the shared scenario folder where it is not
// (a clone on its own: the folder sits beside the project's checkout), saying so;
// under CI its absence is a failure.
func needShared(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: %v", path, err)
		}
		t.Skipf("skipped: %s is not here (the shared scenarios sit beside a checkout of the project)", path)
	}
}
