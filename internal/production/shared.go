package production

import (
	"fmt"

	"coldset/internal/ledger"
)

// NewFolder returns the empty state a production's entries fold into. Give it to
// ledger.New so that every Log the Ledger opens is a production that FromLog can
// wrap: the server then keeps one Log per production for its writes and its ledger
// reads alike.
func NewFolder(string) ledger.Folder { return newFolder() }

// FromLog returns the production kept by l, a Log whose folders come from NewFolder.
// The Production shares l: closing the Ledger that opened l closes it, and the
// Production must not be closed on its own.
func FromLog(l *ledger.Log) (*Production, error) {
	ok := false
	l.View(func(f ledger.Folder) { _, ok = f.(*folder) })
	if !ok {
		return nil, fmt.Errorf("production %s: opened without production.NewFolder", l.Production())
	}
	return &Production{id: l.Production(), log: l}, nil
}
