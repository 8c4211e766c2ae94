package postgres_test

import (
	"testing"

	"coldset/internal/auth"
	"coldset/internal/auth/authtest"
	"coldset/internal/store/storetest"
)

func TestAccountsConformance(t *testing.T) {
	authtest.Run(t, func(t *testing.T) auth.Store { return open(t, storetest.PostgresURL(t)) })
}
