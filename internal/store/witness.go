package store

import "context"

// Cosignature is a checkpoint a witness cosigned.
type Cosignature struct {
	Production string
	Witness    string // the name of the witness's key
	Size       uint64
	// Note is the checkpoint as the deployment signed it, followed by the witness's
	// signature lines: on its own, it proves what the witness saw.
	Note []byte
}

// Cosignatures keeps the cosignatures witnesses returned. Implementations are safe
// for concurrent use.
type Cosignatures interface {
	// AddCosignature keeps c. Keeping a second cosignature for the same production,
	// witness and size is not an error; the first one stays.
	AddCosignature(ctx context.Context, c Cosignature) error
	// LatestCosignatures returns, for each witness that cosigned a checkpoint of
	// production, the cosignature of the largest size, sorted by witness name.
	LatestCosignatures(ctx context.Context, production string) ([]Cosignature, error)
}
