package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// maxEntriesPerPage bounds one entries response; clients page with from.
const maxEntriesPerPage = 1000

// checkpointJSON is the JSON form of a production's latest checkpoint. Checkpoint is
// the signed note itself, the only part a verifier should trust.
type checkpointJSON struct {
	Production string `json:"production"`
	Size       uint64 `json:"size"`
	Root       []byte `json:"root"`
	Checkpoint string `json:"checkpoint"`
}

// checkpoint answers the latest signed checkpoint: the note as text/plain, or wrapped
// in JSON when the client asks for application/json.
func (s *Server) checkpoint(w http.ResponseWriter, r *http.Request) {
	l, err := s.ledger.Existing(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := l.Head()
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		s.writeJSON(w, r, checkpointJSON{Production: l.Production(), Size: h.Size, Root: h.Root, Checkpoint: string(h.Checkpoint)})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(h.Checkpoint)
}

type entryJSON struct {
	Index uint64          `json:"index"`
	Body  []byte          `json:"body"`  // the exact stored bytes, base64: what is hashed
	Entry json.RawMessage `json:"entry"` // the same bytes as JSON, for reading
}

type entriesJSON struct {
	Production string      `json:"production"`
	Size       uint64      `json:"size"`
	From       uint64      `json:"from"`
	To         uint64      `json:"to"`
	Entries    []entryJSON `json:"entries"`
}

// entries answers the entries with from <= index < to, at most maxEntriesPerPage of
// them; to defaults to as many as fit.
func (s *Server) entries(w http.ResponseWriter, r *http.Request) {
	l, err := s.ledger.Existing(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size := l.Size()
	from, err := queryUint(r, "from", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	to, err := queryUint(r, "to", from+maxEntriesPerPage)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if from > size || to < from {
		s.writeError(w, r, invalid("from", "want 0 <= from <= to, from <= size %d", size))
		return
	}
	to = min(to, size, from+maxEntriesPerPage)
	rows, err := l.Entries(r.Context(), from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := entriesJSON{Production: l.Production(), Size: size, From: from, To: to, Entries: make([]entryJSON, len(rows))}
	for i, row := range rows {
		out.Entries[i] = entryJSON{Index: row.Index, Body: row.Body, Entry: row.Body}
	}
	s.writeJSON(w, r, out)
}

type inclusionJSON struct {
	Production string   `json:"production"`
	Index      uint64   `json:"index"`
	Size       uint64   `json:"size"`
	Root       []byte   `json:"root"`
	Proof      [][]byte `json:"proof"`
}

// inclusionProof answers the proof that entry index is in the log of size (default:
// the current size).
func (s *Server) inclusionProof(w http.ResponseWriter, r *http.Request) {
	l, err := s.ledger.Existing(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	index, err := queryUint(r, "index", noDefault)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size, err := queryUint(r, "size", l.Size())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if index >= size {
		s.writeError(w, r, invalid("index", "index %d is not below size %d", index, size))
		return
	}
	p, err := l.InclusionProof(index, size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	root, err := l.Root(size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, inclusionJSON{Production: l.Production(), Index: index, Size: size, Root: root, Proof: nonNil(p)})
}

type consistencyJSON struct {
	Production string   `json:"production"`
	From       uint64   `json:"from"`
	To         uint64   `json:"to"`
	Proof      [][]byte `json:"proof"`
}

// consistencyProof answers the proof that the log at size to (default: the current
// size) extends the log at size from.
func (s *Server) consistencyProof(w http.ResponseWriter, r *http.Request) {
	l, err := s.ledger.Existing(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	from, err := queryUint(r, "from", noDefault)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	to, err := queryUint(r, "to", l.Size())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if from > to {
		s.writeError(w, r, invalid("from", "from %d is above to %d", from, to))
		return
	}
	p, err := l.ConsistencyProof(from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, consistencyJSON{Production: l.Production(), From: from, To: to, Proof: nonNil(p)})
}

// noDefault marks a query parameter as required.
const noDefault = ^uint64(0)

// queryUint reads a non-negative integer query parameter.
func queryUint(r *http.Request, name string, def uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if def == noDefault {
			return 0, invalid(name, "%s is required", name)
		}
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, invalid(name, "%s must be a non-negative integer", name)
	}
	return n, nil
}

// nonNil makes an empty proof encode as [] rather than null.
func nonNil(p [][]byte) [][]byte {
	if p == nil {
		return [][]byte{}
	}
	return p
}
