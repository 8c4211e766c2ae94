package ledger

// Folder is the state a production's entries fold into, in index order. A Log owns
// its Folder: it calls Fold only from its writer goroutine (or while loading), and
// readers reach it through Log.View.
type Folder interface {
	// Fold applies one committed or about-to-be-committed entry. An error means the
	// entry cannot be applied; the Log then discards the folder and rebuilds it from
	// the store, so a Folder need not undo a partial Fold.
	Fold(Entry) error
}

// NopFolder keeps no state. It serves logs whose entries nothing reads back, such as
// the synthetic entries of benchmarks; a Log with a NopFolder never decodes bodies on
// load and never replays its log after a failed append.
type NopFolder struct{}

// Fold does nothing.
func (NopFolder) Fold(Entry) error { return nil }

// NewNopFolder returns a NopFolder, for Open's newFolder.
func NewNopFolder() Folder { return NopFolder{} }
