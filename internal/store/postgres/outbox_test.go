package postgres_test

import (
	"testing"

	"coldset/internal/notify"
	"coldset/internal/notify/outboxtest"
	"coldset/internal/store/storetest"
)

func TestOutbox(t *testing.T) {
	outboxtest.Run(t, func(t *testing.T) notify.Store { return storetest.OpenPostgres(t) })
}
