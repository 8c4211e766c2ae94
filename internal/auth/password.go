package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes: OWASP's recommendation of 19 MiB, 2 passes, one
// lane. Each hash records its own parameters, so they can be raised later without
// breaking existing passwords.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLen is the shortest password accepted for a new hash (NIST SP 800-63B).
const MinPasswordLen = 8

// MaxPasswordLen bounds the work one sign-in attempt can ask for.
const MaxPasswordLen = maxPasswordLen

const maxPasswordLen = 1024

// ErrBadPassword reports a password that does not match, or a hash that is not one
// of ours. Callers answer both the same way, so nothing is learned from the answer.
var ErrBadPassword = errors.New("wrong e-mail or password")

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password with a fresh random salt, as a
// PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLen {
		return "", fmt.Errorf("hash password: a password needs at least %d characters", MinPasswordLen)
	}
	if len(password) > maxPasswordLen {
		return "", fmt.Errorf("hash password: a password has at most %d characters", maxPasswordLen)
	}
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC string hash, in time that
// does not depend on where they differ. It returns ErrBadPassword for a mismatch, an
// empty hash (an invited account without a password) or a malformed one. Every one of
// these answers costs one argon2id derivation, as a wrong password does: an answer
// that came sooner would tell which accounts have no password yet.
func CheckPassword(hash, password string) error {
	p, err := parsePHC(hash)
	if err != nil || len(password) > maxPasswordLen {
		p, _ = parsePHC(dummyHash())
		password = password[:min(len(password), maxPasswordLen)]
		derive(p, password)
		return ErrBadPassword
	}
	if subtle.ConstantTimeCompare(derive(p, password), p.key) != 1 {
		return ErrBadPassword
	}
	return nil
}

// derivations counts argon2id derivations, so that tests can check that every way a
// sign-in fails does the same work (timing asserted by a clock would be flaky).
var derivations atomic.Uint64

func derive(p phc, password string) []byte {
	derivations.Add(1)
	return argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
}

// dummyHash is checked against when no account matches the e-mail, so that a sign-in
// for an unknown address takes as long as one with a wrong password. It is made on
// first use: start-up should not pay for it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("no account has this password")
	return h
})

// CheckNoAccount spends the time of one CheckPassword and returns ErrBadPassword.
func CheckNoAccount(password string) error {
	return CheckPassword("", password)
}

type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC reads an argon2id PHC string of version 19 with sane parameters.
func parsePHC(s string) (phc, error) {
	var p phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, errors.New("not an argon2id hash")
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil {
		return p, fmt.Errorf("argon2id parameters: %w", err)
	}
	// Bounds keep a tampered row from making one check take minutes or gigabytes.
	if p.memory < 8 || p.memory > 1<<21 || p.time < 1 || p.time > 16 || threads < 1 || threads > 16 {
		return p, errors.New("argon2id parameters out of range")
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, errors.New("argon2id salt")
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, errors.New("argon2id key")
	}
	return p, nil
}
