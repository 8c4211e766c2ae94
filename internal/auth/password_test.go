package auth_test

import (
	"errors"
	"strings"
	"testing"

	"coldset/internal/auth"
)

func TestHashPassword(t *testing.T) {
	h1, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with our parameters", h1)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     error
	}{
		{"right password", h1, "correct horse battery", nil},
		{"wrong password", h1, "correct horse battery!", auth.ErrBadPassword},
		{"invited account without a password", "", "", auth.ErrBadPassword},
		{"not argon2id", strings.Replace(h1, "argon2id", "argon2i", 1), "correct horse battery", auth.ErrBadPassword},
		{"memory beyond bounds", strings.Replace(h1, "m=19456", "m=99999999", 1), "correct horse battery", auth.ErrBadPassword},
		{"truncated", h1[:len(h1)-20], "correct horse battery", auth.ErrBadPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := auth.CheckPassword(tt.hash, tt.password); !errors.Is(err, tt.want) {
				t.Errorf("CheckPassword = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHashPasswordRefusesShortPasswords(t *testing.T) {
	if _, err := auth.HashPassword("short"); err == nil {
		t.Errorf("HashPassword(%q) succeeded, want an error", "short")
	}
}

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{" Ana@Example.COM ", "ana@example.com", true},
		{"ana", "", false},
		{"Ana <ana@example.com>", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := auth.CheckEmail(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
