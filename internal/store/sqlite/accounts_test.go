package sqlite_test

import (
	"path/filepath"
	"testing"

	"coldset/internal/auth"
	"coldset/internal/auth/authtest"
)

func TestAccountsConformance(t *testing.T) {
	authtest.Run(t, func(t *testing.T) auth.Store { return open(t, filepath.Join(t.TempDir(), "coldset.db")) })
}
