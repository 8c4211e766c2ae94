// Package witness sends each production's signed checkpoints to outside witnesses
// (a union safety representative, an insurer) and keeps the cosignatures they return.
// A witness that cosigned a checkpoint has seen the log at that size; it cosigns a
// later checkpoint only with a consistency proof that the log still extends it, so
// the studio cannot quietly rewrite history once a witness holds a checkpoint.
//
// coldset speaks the C2SP tlog-witness protocol (https://c2sp.org/tlog-witness):
// POST <witness>/add-checkpoint with the old size, a consistency proof and the signed
// checkpoint; the witness answers with cosignature/v1 signature lines
// (https://c2sp.org/tlog-cosignature). Any witness that speaks it works, such as the
// omniwitness of github.com/transparency-dev/witness. The witness must know each
// production's log: its origin ("coldset/<production>", see ledger.Origin) and the
// deployment's verifier key (`coldset key`). For the omniwitness that is one entry per
// production in the file given to --additional_logs:
//
//	Logs:
//	  - Origin: coldset/<production>
//	    PublicKey: <coldset verifier key>
package witness

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// Witness is one configured recipient of checkpoints.
type Witness struct {
	// URL is where the witness serves the tlog-witness API; add-checkpoint is POSTed
	// to URL + "/add-checkpoint".
	URL string
	// VKey is the witness's public key in note verifier form ("<name>+<hash>+<key>").
	VKey string
	// Verifier checks the witness's cosignature/v1 signatures.
	Verifier note.Verifier
}

// Name returns the name the witness signs with: the name of its key. Cosignatures are
// kept under it.
func (w Witness) Name() string { return w.Verifier.Name() }

// New returns the Witness at base URL u whose cosignatures verify with vkey.
func New(u, vkey string) (Witness, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return Witness{}, fmt.Errorf("witness %q: want an http or https URL", u)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		return Witness{}, fmt.Errorf("witness %s: %w", u, err)
	}
	return Witness{URL: strings.TrimSuffix(u, "/"), VKey: vkey, Verifier: v}, nil
}

// NewVerifier returns the verifier of a witness's cosignature/v1 signatures for its
// key, given as a plain Ed25519 note verifier key or a cosignature/v1 one.
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err == nil {
		err = checkKeyHash(vkey)
	}
	if err != nil {
		return nil, fmt.Errorf("witness key %q: %w", vkey, err)
	}
	return v, nil
}

// checkKeyHash checks the hash field of a verifier key against its name and key, as
// note.NewVerifier does for plain Ed25519 keys: the cosignature/v1 parser does not, and
// a key whose name was cut in the wrong place would otherwise be taken.
func checkKeyHash(vkey string) error {
	name, rest, _ := strings.Cut(vkey, "+")
	hash16, key64, _ := strings.Cut(rest, "+")
	want, err1 := strconv.ParseUint(hash16, 16, 32)
	key, err2 := base64.StdEncoding.DecodeString(key64)
	if err1 != nil || err2 != nil {
		return errors.New("malformed verifier key")
	}
	sum := sha256.Sum256(append([]byte(name+"\n"), key...))
	if binary.BigEndian.Uint32(sum[:]) != uint32(want) {
		return errors.New("verifier key hash does not match its name and key")
	}
	return nil
}

// Parse reads one witness given as "URL=VERIFIERKEY". Both a URL and a key may hold
// '=' (a query string, base64 padding), so the split is the first '=' after which a
// valid key follows.
func Parse(spec string) (Witness, error) {
	spec = strings.TrimSpace(spec)
	var firstErr error
	for i := strings.IndexByte(spec, '='); i >= 0; {
		w, err := New(spec[:i], spec[i+1:])
		if err == nil {
			return w, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		j := strings.IndexByte(spec[i+1:], '=')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if firstErr == nil {
		firstErr = errors.New("want URL=VERIFIERKEY")
	}
	return Witness{}, fmt.Errorf("witness %q: %w", spec, firstErr)
}

// ParseList reads witnesses separated by spaces, newlines or commas, as in the
// COLDSET_WITNESSES environment variable. Two witnesses may not share a key name:
// their cosignatures would be kept under one name.
func ParseList(list string) ([]Witness, error) {
	fields := strings.FieldsFunc(list, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r'
	})
	var ws []Witness
	for _, f := range fields {
		w, err := Parse(f)
		if err != nil {
			return nil, err
		}
		ws = append(ws, w)
	}
	return ws, CheckNames(ws)
}

// CheckNames fails when two witnesses sign with the same key name.
func CheckNames(ws []Witness) error {
	seen := map[string]string{}
	for _, w := range ws {
		if other, dup := seen[w.Name()]; dup {
			return fmt.Errorf("witnesses %s and %s both sign as %q", other, w.URL, w.Name())
		}
		seen[w.Name()] = w.URL
	}
	return nil
}
