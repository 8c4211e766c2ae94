package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/cli"
	"coldset/internal/investigate"
	"coldset/internal/ledger"
)

// verifyBundle checks an evidence bundle offline (coldset verify --bundle FILE). The
// expected key is --vkey, or --key: a verifier key, or a file holding a verifier key
// or the deployment's signer key. Without either, the bundle's own verifier.key is
// used and the output says that the key itself was not checked.
func verifyBundle(path, keyFlag, vkey string) error {
	zipped, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	if vkey == "" && keyFlag != "" {
		if vkey, err = expectedKey(keyFlag); err != nil {
			return err
		}
	}
	ck, err := investigate.VerifyBundle(zipped, vkey)
	var be *investigate.BundleError
	if errors.As(err, &be) {
		fmt.Printf("bundle %s: FAIL: %s\n", path, be.Error())
		return cli.ExitError{Code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Printf("bundle %s: ok, production %s, %d entries proven in checkpoint size %d, root %s, %d files\n",
		path, ck.Production, ck.Entries, ck.Checkpoint.Size, ck.Checkpoint.RootHash, ck.Files)
	if !ck.KeyExpected {
		fmt.Printf("note: signed by the bundle's own key %s; give --vkey to check it is the production's\n", ck.VerifierKey)
	}
	return nil
}

// expectedKey reads --key: a verifier key itself, or a file with a verifier key or
// a signer key.
func expectedKey(key string) (string, error) {
	if _, err := note.NewVerifier(key); err == nil {
		return key, nil
	}
	b, err := os.ReadFile(key)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--key %q is neither a verifier key nor a file", key)
	}
	if err != nil {
		return "", fmt.Errorf("read key: %w", err)
	}
	text := strings.TrimSpace(string(b))
	if _, err := note.NewVerifier(text); err == nil {
		return text, nil
	}
	s, err := ledger.NewSigner(text)
	if err != nil {
		return "", fmt.Errorf("key file %s: %w", key, err)
	}
	return s.VerifierKey(), nil
}
