package witness

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"coldset/internal/store"
)

// Cosignature is a checkpoint a witness cosigned.
type Cosignature = store.Cosignature

// Store keeps the cosignatures witnesses returned: the contract is
// store.Cosignatures, which both backends implement.
type Store = store.Cosignatures

// VerifyCosignature checks that a cosigned note carries a valid cosignature/v1
// signature by v's key, and returns the time the witness put in it. Other signatures
// (the deployment's, other witnesses') are ignored here.
func VerifyCosignature(cosigned []byte, v note.Verifier) (time.Time, error) {
	n, err := note.Open(cosigned, note.VerifierList(v))
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &unverified):
		return time.Time{}, fmt.Errorf("no cosignature by witness %s", v.Name())
	case err != nil:
		return time.Time{}, fmt.Errorf("cosignature by witness %s: %w", v.Name(), err)
	}
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			at, err := fnote.CoSigV1Timestamp(s)
			if err != nil {
				return time.Time{}, fmt.Errorf("cosignature by witness %s: %w", v.Name(), err)
			}
			return at.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("no cosignature by witness %s", v.Name())
}

// Merge joins cosigned notes of one checkpoint into one note carrying every distinct
// signature line, in the order first seen (the deployment's signature first).
func Merge(notes ...[]byte) ([]byte, error) {
	if len(notes) == 0 {
		return nil, errors.New("merge cosignatures: no notes")
	}
	var text []byte
	var lines [][]byte
	seen := map[string]bool{}
	for _, n := range notes {
		t, sigs, err := split(n)
		if err != nil {
			return nil, fmt.Errorf("merge cosignatures: %w", err)
		}
		if text == nil {
			text = t
		} else if !bytes.Equal(text, t) {
			return nil, errors.New("merge cosignatures: the notes are of different checkpoints")
		}
		for _, l := range sigs {
			if !seen[string(l)] {
				seen[string(l)] = true
				lines = append(lines, l)
			}
		}
	}
	out := append([]byte(nil), text...)
	out = append(out, '\n')
	for _, l := range lines {
		out = append(append(out, l...), '\n')
	}
	return out, nil
}

// split cuts a signed note into its text (ending in a newline) and its signature
// lines. Signature lines hold no blank line, so the text ends at the last one.
func split(n []byte) (text []byte, sigs [][]byte, err error) {
	i := bytes.LastIndex(n, []byte("\n\n"))
	if i < 0 || len(n) == i+2 || n[len(n)-1] != '\n' {
		return nil, nil, errors.New("not a signed note")
	}
	for _, l := range bytes.Split(n[i+2:len(n)-1], []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("— ")) {
			return nil, nil, fmt.Errorf("not a signature line: %q", l)
		}
		sigs = append(sigs, l)
	}
	return n[:i+1], sigs, nil
}
