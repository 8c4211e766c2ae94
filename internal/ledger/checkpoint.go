package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
)

// OriginPrefix starts the origin line of every coldset checkpoint; the production id
// follows it.
const OriginPrefix = "coldset/"

// Origin returns the C2SP checkpoint origin of production's log.
func Origin(production string) string { return OriginPrefix + production }

// ValidProduction reports whether id can name a log: non-empty UTF-8 without control
// characters, so that it fits on a signed note's origin line.
func ValidProduction(id string) error {
	if id == "" {
		return errors.New("production id is empty")
	}
	if !utf8.ValidString(id) {
		return fmt.Errorf("production id %q is not UTF-8", id)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("production id %q has a control character", id)
		}
	}
	return nil
}

// SignCheckpoint returns the signed note committing production's log to size entries
// with the given RFC 6962 root hash.
func (s *Signer) SignCheckpoint(production string, size uint64, root []byte) ([]byte, error) {
	cp := log.Checkpoint{Origin: Origin(production), Size: size, Hash: root}
	signed, err := note.Sign(&note.Note{Text: string(cp.Marshal())}, s.signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint %s@%d: %w", production, size, err)
	}
	return signed, nil
}

// OpenCheckpoint checks a signed checkpoint against the verifier and returns the
// production it belongs to and what it commits to.
func OpenCheckpoint(signed []byte, v note.Verifier) (string, log.Checkpoint, error) {
	production, err := CheckpointProduction(signed)
	if err != nil {
		return "", log.Checkpoint{}, err
	}
	cp, _, _, err := log.ParseCheckpoint(signed, Origin(production), v)
	if err != nil {
		return "", log.Checkpoint{}, fmt.Errorf("open checkpoint of %s: %w", production, err)
	}
	return production, *cp, nil
}

// CheckpointProduction reads the production id from a checkpoint's origin line without
// checking its signature: only to pick which log to check it against.
func CheckpointProduction(signed []byte) (string, error) {
	origin, _, _ := bytes.Cut(signed, []byte("\n"))
	production, ok := strings.CutPrefix(string(origin), OriginPrefix)
	if !ok || production == "" {
		return "", fmt.Errorf("checkpoint origin %q is not a coldset log", origin)
	}
	return production, nil
}
