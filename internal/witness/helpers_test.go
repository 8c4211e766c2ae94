package witness_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
	"coldset/internal/store/sqlite"
	"coldset/internal/witness"
)

// newSigner returns a fresh deployment key.
func newSigner(t *testing.T) *ledger.Signer {
	t.Helper()
	skey, _, err := note.GenerateKey(rand.Reader, ledger.KeyName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ledger.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openLedger opens a ledger on a new SQLite file, closed when the test ends.
func openLedger(t *testing.T, s *ledger.Signer) (*ledger.Ledger, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "coldset.db"))
	if err != nil {
		t.Fatal(err)
	}
	lg := ledger.New(st, s, nil)
	t.Cleanup(func() {
		lg.Close()
		st.Close()
	})
	return lg, st
}

// appendEntries appends, in one batch, one entry of type typ per payload.
func appendEntries(t *testing.T, lg *ledger.Ledger, production, typ string, payloads ...any) {
	t.Helper()
	ctx := context.Background()
	l, err := lg.Log(ctx, production)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Do(ctx, func(_ ledger.Folder, next uint64) ([]ledger.Entry, error) {
		var es []ledger.Entry
		for _, p := range payloads {
			b, err := json.Marshal(p)
			if err != nil {
				return nil, err
			}
			es = append(es, ledger.Entry{Time: time.Unix(1_800_000_000, 0), Type: typ, Payload: b})
		}
		return es, nil
	})
	if err != nil {
		t.Fatalf("append to %s: %v", production, err)
	}
}

// appendN appends n entries of a harmless type, each payload naming tag and its number.
func appendN(t *testing.T, lg *ledger.Ledger, production, tag string, n int) {
	t.Helper()
	ps := make([]any, n)
	for i := range ps {
		ps[i] = map[string]string{"note": fmt.Sprintf("%s %d", tag, i)}
	}
	appendEntries(t, lg, production, "meeting.hold", ps...)
}

// mapStore is a witness.Store in memory.
type mapStore struct {
	mu sync.Mutex
	cs map[string]witness.Cosignature // by production/witness/size
}

func (m *mapStore) AddCosignature(_ context.Context, c witness.Cosignature) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cs == nil {
		m.cs = map[string]witness.Cosignature{}
	}
	k := fmt.Sprintf("%s/%s/%d", c.Production, c.Witness, c.Size)
	if _, ok := m.cs[k]; !ok {
		m.cs[k] = c
	}
	return nil
}

func (m *mapStore) LatestCosignatures(_ context.Context, production string) ([]witness.Cosignature, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	latest := map[string]witness.Cosignature{}
	for _, c := range m.cs {
		if c.Production == production && c.Size >= latest[c.Witness].Size {
			latest[c.Witness] = c
		}
	}
	var out []witness.Cosignature
	for _, c := range latest {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Witness < out[j].Witness })
	return out, nil
}

// recordingWitness cosigns whatever it is sent, without checking proofs, and counts
// the sends: for the feeder's timing, not the protocol (the omniwitness tests cover
// that).
type recordingWitness struct {
	witness.Witness
	mu    sync.Mutex
	sizes []string // the checkpoint size of each send
}

func newRecordingWitness(t *testing.T, name string) *recordingWitness {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		t.Fatal(err)
	}
	rw := &recordingWitness{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, cp, _ := strings.Cut(string(body), "\n\n")
		lines := strings.SplitN(cp, "\n", 3)
		rw.mu.Lock()
		rw.sizes = append(rw.sizes, lines[1])
		rw.mu.Unlock()
		text := cp[:strings.Index(cp, "\n\n")+1]
		signed, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, string(signed[len(text)+1:]))
	}))
	t.Cleanup(srv.Close)
	if rw.Witness, err = witness.New(srv.URL, vkey); err != nil {
		t.Fatal(err)
	}
	return rw
}

// sends returns the sizes sent so far and forgets them.
func (rw *recordingWitness) sends() []string {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	s := rw.sizes
	rw.sizes = nil
	return s
}
