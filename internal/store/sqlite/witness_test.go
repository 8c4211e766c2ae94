package sqlite_test

import (
	"testing"

	"coldset/internal/store/storetest"
	"coldset/internal/witness"
	"coldset/internal/witness/witnesstest"
)

func TestWitnessCosignatures(t *testing.T) {
	witnesstest.RunStore(t, func(t *testing.T) witness.Store { return storetest.OpenSQLite(t) })
}
