package witness_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"coldset/internal/witness"
)

func TestParse(t *testing.T) {
	_, vkey, err := note.GenerateKey(rand.Reader, "union.example")
	if err != nil {
		t.Fatal(err)
	}
	cosigKey, err := fnote.VKeyToCosignatureV1(vkey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    string
		wantURL string
		wantErr bool
	}{
		{"plain Ed25519 key", "https://witness.example=" + vkey, "https://witness.example", false},
		{"cosignature/v1 key", "https://witness.example/=" + cosigKey, "https://witness.example", false},
		{"URL with a query string", "http://127.0.0.1:9/w?x=1=" + vkey, "http://127.0.0.1:9/w?x=1", false},
		{"no key", "https://witness.example", "", true},
		{"not a URL", "witness.example=" + vkey, "", true},
		{"bad key", "https://witness.example=union+1234+AAAA", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := witness.Parse(tc.spec)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Parse(%q) error = %v, want error %v", tc.spec, err, tc.wantErr)
			}
			if err == nil && (w.URL != tc.wantURL || w.Name() != "union.example") {
				t.Errorf("Parse = %s named %s, want %s named union.example", w.URL, w.Name(), tc.wantURL)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	_, a, _ := note.GenerateKey(rand.Reader, "union.example")
	_, b, _ := note.GenerateKey(rand.Reader, "insurer.example")
	ws, err := witness.ParseList("https://u.example=" + a + ",\n https://i.example=" + b)
	if err != nil || len(ws) != 2 || ws[1].Name() != "insurer.example" {
		t.Fatalf("ParseList = %v, %v", ws, err)
	}
	if _, err := witness.ParseList("https://u.example=" + a + " https://v.example=" + a); err == nil {
		t.Error("ParseList of two witnesses signing with one name: no error")
	}
	if ws, err := witness.ParseList(" "); err != nil || len(ws) != 0 {
		t.Errorf("ParseList of nothing = %v, %v", ws, err)
	}
}

// Each answer of the tlog-witness spec maps to its error.
func TestAddCheckpointAnswers(t *testing.T) {
	rw := newRecordingWitness(t, "union.test")
	_, otherVKey, _ := note.GenerateKey(rand.Reader, "union.test")
	signed := mustCheckpoint(t, 1)
	good, err := rw.AddCheckpoint(context.Background(), http.DefaultClient, 0, nil, signed)
	if err != nil {
		t.Fatalf("AddCheckpoint: %v", err)
	}
	goodLines := good[len(signed):]
	tests := []struct {
		name   string
		status int
		body   string
		vkey   string // default: the recording witness's
		want   error
	}{
		{"cosigned", 200, string(goodLines), "", nil},
		{"stale old size", 409, "7\n", "", &witness.StaleError{Size: 7}},
		{"unknown log", 404, "", "", witness.ErrUnknownLog},
		{"bad log signature", 403, "", "", witness.ErrBadSignature},
		{"inconsistent", 422, "", "", witness.ErrInconsistent},
		{"malformed request", 400, "", "", witness.ErrBadRequest},
		{"cosigned by another key", 200, string(goodLines), otherVKey, errors.New("no cosignature")},
		{"tampered cosignature", 200, strings.Replace(string(goodLines), "A", "B", 1), "", errors.New("cosignature")},
		{"not signature lines", 200, "ok", "", errors.New("not signature lines")},
		{"server error", 500, "", "", errors.New("status 500")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			vkey := rw.VKey
			if tc.vkey != "" {
				vkey = tc.vkey
			}
			w, err := witness.New(srv.URL, vkey)
			if err != nil {
				t.Fatal(err)
			}
			got, err := w.AddCheckpoint(context.Background(), srv.Client(), 0, nil, signed)
			var stale *witness.StaleError
			switch want := tc.want; {
			case want == nil:
				if err != nil || !bytes.Equal(got, good) {
					t.Errorf("AddCheckpoint = %q, %v; want the cosigned note", got, err)
				}
			case errors.As(want, &stale):
				var gotStale *witness.StaleError
				if !errors.As(err, &gotStale) || gotStale.Size != stale.Size {
					t.Errorf("AddCheckpoint error = %v, want stale at %d", err, stale.Size)
				}
			case errors.Is(want, witness.ErrUnknownLog), errors.Is(want, witness.ErrBadSignature),
				errors.Is(want, witness.ErrInconsistent), errors.Is(want, witness.ErrBadRequest):
				if !errors.Is(err, want) {
					t.Errorf("AddCheckpoint error = %v, want %v", err, want)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), want.Error()) {
					t.Errorf("AddCheckpoint error = %v, want one saying %q", err, want)
				}
			}
		})
	}
}

// mustCheckpoint returns a checkpoint of size signed by a fresh deployment key.
func mustCheckpoint(t *testing.T, size uint64) []byte {
	t.Helper()
	s := newSigner(t)
	signed, err := s.SignCheckpoint("film-answers", size, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestMerge(t *testing.T) {
	signed := mustCheckpoint(t, 1)
	a := newRecordingWitness(t, "union.test")
	b := newRecordingWitness(t, "insurer.test")
	na, err := a.AddCheckpoint(context.Background(), http.DefaultClient, 0, nil, signed)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := b.AddCheckpoint(context.Background(), http.DefaultClient, 0, nil, signed)
	if err != nil {
		t.Fatal(err)
	}
	merged, err := witness.Merge(na, nb, na)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if got := strings.Count(string(merged), "\n— "); got != 3 {
		t.Errorf("merged note has %d signature lines, want 3 (deployment, two witnesses):\n%s", got, merged)
	}
	for _, w := range []witness.Witness{a.Witness, b.Witness} {
		if _, err := witness.VerifyCosignature(merged, w.Verifier); err != nil {
			t.Errorf("merged note: %v", err)
		}
	}
	if _, err := witness.Merge(na, mustCheckpoint(t, 2)); err == nil {
		t.Error("Merge of notes of different checkpoints: no error")
	}
}
