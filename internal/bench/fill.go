package bench

import (
	"context"
	"os"
	"path/filepath"

	"coldset/internal/ledger"
	"coldset/internal/loadgen"
	"coldset/internal/store"
	"coldset/internal/store/sqlite"
)

// fillProduction writes production id with about n entries straight into st: see
// loadgen.Fill.
func fillProduction(ctx context.Context, st store.Store, s *ledger.Signer, id string, n int) (int, int64, error) {
	return loadgen.Fill(ctx, st, s, id, n)
}

// fillLanes is how many lanes a filled production's history uses.
const fillLanes = loadgen.FillLanes

// scratchDB returns a fresh SQLite path in a new temporary directory (under dir when
// given, so the figures are of that disk) and a function that removes it.
func scratchDB(dir string) (string, func(), error) {
	tmp, err := os.MkdirTemp(dir, "coldset-bench-")
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(tmp, "coldset.db"), func() { os.RemoveAll(tmp) }, nil
}

// scratch is a fresh SQLite store and deployment key in a temporary directory.
type scratch struct {
	dir    string
	path   string
	st     *sqlite.Store
	signer *ledger.Signer
	remove func()

	coldset Coldset // runs coldset's commands in a test binary: runCommand
}

// openScratch creates a scratch store under dir ("" for the system's temporary
// directory).
func openScratch(dir string) (*scratch, error) {
	path, remove, err := scratchDB(dir)
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(path)
	if err != nil {
		remove()
		return nil, err
	}
	signer, err := ledger.LoadOrCreateKey(ledger.KeyPathFor(path))
	if err != nil {
		st.Close()
		remove()
		return nil, err
	}
	return &scratch{dir: filepath.Dir(path), path: path, st: st, signer: signer, remove: remove}, nil
}

func (s *scratch) close() {
	s.st.Close()
	s.remove()
}
