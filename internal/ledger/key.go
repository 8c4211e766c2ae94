package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KeyName is the name the deployment key signs checkpoints with. Verifiers look a
// signature up by this name and the key's hash.
const KeyName = "coldset"

// Signer signs a deployment's checkpoints with its Ed25519 note key.
type Signer struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

// NewSigner returns the Signer for an encoded note signer key
// ("PRIVATE+KEY+<name>+<hash>+<keydata>").
func NewSigner(skey string) (*Signer, error) {
	sn, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("signer key: %w", err)
	}
	// note.Signer does not expose its public key; derive it from the seed so that
	// the deployment can print the verifier key from the one file it keeps.
	// The key data is base64 and may itself contain '+'.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize {
		return nil, errors.New("signer key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(sn.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("signer key: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("signer key: %w", err)
	}
	return &Signer{signer: sn, verifier: v, vkey: vkey}, nil
}

// VerifierKey returns the public key in note verifier form ("<name>+<hash>+<keydata>"),
// which anyone can use to check the deployment's checkpoints.
func (s *Signer) VerifierKey() string { return s.vkey }

// Verifier returns the note verifier for the deployment's signatures.
func (s *Signer) Verifier() note.Verifier { return s.verifier }

// KeyPathFor returns where the deployment key lives for a SQLite database at dbPath:
// beside it, with the extension .key (DIR/coldset.db -> DIR/coldset.key).
func KeyPathFor(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".key"
}

// LoadKey reads the signer key file at path. It never creates one: verification must
// not invent a key that would then "verify" nothing.
func LoadKey(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	s, err := NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	return s, nil
}

// LoadOrCreateKey reads the signer key file at path, creating it with a fresh Ed25519
// key (file mode 0600) if it does not exist. Creation is atomic: processes starting
// at the same time on one directory end up with the same key.
func LoadOrCreateKey(path string) (*Signer, error) {
	s, err := LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	skey, _, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".coldset-key-*")
	if err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create key: %w", err)
	}
	if _, err := tmp.WriteString(skey + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	// A hard link never replaces an existing file, so whoever links first wins and
	// everyone else loads the winner's key.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create key: %w", err)
	}
	return LoadKey(path)
}
