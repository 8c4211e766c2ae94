package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
)

// fuzzSigner is a fixed deployment key, so that the seeds it signs stay valid in a
// saved corpus: the key a crashing input was signed with is the key it is re-run with.
func fuzzSigner(tb testing.TB) *ledger.Signer {
	tb.Helper()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	vkey, err := note.NewEd25519VerifierKey(ledger.KeyName, ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil {
		tb.Fatal(err)
	}
	parts := strings.Split(vkey, "+") // name, hash, key data
	skey := "PRIVATE+KEY+" + parts[0] + "+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed...))
	s, err := ledger.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzOpenCheckpoint feeds arbitrary bytes to the checkpoint reader, which takes
// checkpoints from files a person hands over (verify --checkpoint, bundles) and from
// witnesses. It never panics; what it accepts is a note signed by the deployment key
// whose origin names the production it returns; and CheckpointProduction, which
// reads the origin unsigned, agrees with it.
func FuzzOpenCheckpoint(f *testing.F) {
	s := fuzzSigner(f)
	other, err := ledger.NewSigner(mustKey(f))
	if err != nil {
		f.Fatal(err)
	}
	root := sha256.Sum256([]byte("root"))
	for _, seed := range []struct {
		signer     *ledger.Signer
		production string
		size       uint64
	}{
		{s, "dry-creek", 63},
		{s, "western-2021", 0},
		{s, "été à l'ouest", 1 << 40},
		{other, "dry-creek", 63},
	} {
		signed, err := seed.signer.SignCheckpoint(seed.production, seed.size, root[:])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(signed)
		f.Add(bytes.Replace(signed, []byte("\n\n"), []byte("\nextension line\n\n"), 1))
		f.Add(signed[:len(signed)/2])
	}
	f.Add([]byte("coldset/\n1\nAAAA\n\n— coldset AAAA\n"))
	f.Add([]byte("coldset/x"))
	f.Add([]byte("other/x\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"))
	f.Add([]byte{})

	v := s.Verifier()
	f.Fuzz(func(t *testing.T, signed []byte) {
		unsigned, uerr := ledger.CheckpointProduction(signed)
		if uerr == nil && (unsigned == "" || !bytes.HasPrefix(signed, []byte(ledger.Origin(unsigned)))) {
			t.Fatalf("CheckpointProduction read %q from an origin line it does not start", unsigned)
		}
		production, cp, err := ledger.OpenCheckpoint(signed, v)
		if err != nil {
			return
		}
		if uerr != nil || production != unsigned {
			t.Fatalf("opened production %q, the unsigned origin says %q (%v)", production, unsigned, uerr)
		}
		if cp.Origin != ledger.Origin(production) {
			t.Fatalf("checkpoint origin %q for production %q", cp.Origin, production)
		}
		if _, err := note.Open(signed, note.VerifierList(v)); err != nil {
			t.Fatalf("accepted a checkpoint the deployment key did not sign: %v", err)
		}
		// What was accepted is what the deployment would sign for that state.
		again, err := s.SignCheckpoint(production, cp.Size, cp.Hash)
		if err != nil {
			t.Fatal(err)
		}
		p2, cp2, err := ledger.OpenCheckpoint(again, v)
		if err != nil || p2 != production || cp2.Size != cp.Size || !bytes.Equal(cp2.Hash, cp.Hash) {
			t.Fatalf("re-signed checkpoint opens as %q %+v (%v), want %q %+v", p2, cp2, err, production, cp)
		}
	})
}

// mustKey makes a fresh signer key, for a seed signed by a key that is not the
// deployment's.
func mustKey(tb testing.TB) string {
	tb.Helper()
	skey, _, err := note.GenerateKey(nil, ledger.KeyName)
	if err != nil {
		tb.Fatal(err)
	}
	return skey
}

// FuzzDecodeEntry feeds arbitrary bodies to DecodeEntry, which reads every stored
// entry when a production is opened or loaded. Its reflection-free path for the
// layout Encode writes must decode exactly what json.Unmarshal decodes, fail where
// it fails, and take every canonical encoding of a plain entry.
func FuzzDecodeEntry(f *testing.F) {
	for _, e := range canonicalEntries() {
		body, err := e.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	for _, c := range decodeCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeAgrees(t, body)
	})
}

// FuzzEncodeEntry holds Encode, which writes every entry's canonical body, to the bytes
// encoding/json's reflection writes for the same entry (escapes, invalid UTF-8, the
// payload compacted, times in any zone and out of range), and what it writes to
// decoding back to the same entry through DecodeEntry.
func FuzzEncodeEntry(f *testing.F) {
	for _, e := range canonicalEntries() {
		f.Add(e.Production, e.Index, e.Prev, e.Time.Unix(), int64(e.Time.Nanosecond()), 0, e.Actor, e.Type, []byte(e.Payload))
	}
	for _, c := range encodeCases() {
		e := c.e
		_, offset := e.Time.Zone()
		f.Add(e.Production, e.Index, e.Prev, e.Time.Unix(), int64(e.Time.Nanosecond()), offset, e.Actor, e.Type, []byte(e.Payload))
	}
	f.Fuzz(func(t *testing.T, production string, index uint64, prev []byte, sec, nsec int64, offset int, actor, typ string, payload []byte) {
		e := ledger.Entry{Production: production, Index: index, Prev: prev,
			Time:  time.Unix(sec, nsec).In(time.FixedZone("", offset%(100*3600))),
			Actor: actor, Type: typ, Payload: payload}
		checkEncodeAgrees(t, e)
	})
}
