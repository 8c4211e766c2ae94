package store

import "fmt"

// EntryRows are the rows of a backend's query for (index, body) pairs in index
// order: database/sql's *sql.Rows and pgx's Rows both have these methods.
type EntryRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanEntries reads the rows a backend's Entries query returned for production's
// [from, to), at most to-from of them. B is the driver's borrowed-bytes type
// (sql.RawBytes, pgtype.DriverBytes): a body valid until the next row, which
// ScanEntries copies once into a shared block rather than into an allocation of its
// own, since loading and verification read every entry and the per-body copies and
// their garbage were a quarter of the read. The caller closes rows.
func ScanEntries[B ~[]byte](rows EntryRows, production string, from, to uint64) ([]Entry, error) {
	out := make([]Entry, 0, min(to-from, 1<<16))
	var block []byte
	var idx int64
	var body B // declared once: Scan takes their addresses, so each would escape
	for rows.Next() {
		if err := rows.Scan(&idx, &body); err != nil {
			return nil, fmt.Errorf("entries %s: scan: %w", production, err)
		}
		if block == nil || len(body) > cap(block)-len(block) {
			block = make([]byte, 0, max(entriesBlock, len(body)))
		}
		start := len(block)
		block = append(block, body...)
		// Capped, so that appending to one body cannot overwrite the next.
		out = append(out, Entry{Index: uint64(idx), Body: block[start:len(block):len(block)]})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("entries %s [%d, %d): %w", production, from, to, err)
	}
	return out, nil
}

// entriesBlock is the size of the blocks ScanEntries copies bodies into: a few
// hundred bodies each, small enough that a caller keeping one body keeps little else
// alive.
const entriesBlock = 64 << 10
