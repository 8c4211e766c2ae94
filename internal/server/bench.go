package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"coldset/internal/ledger"
)

type benchAppendRequest struct {
	Production string          `json:"production"`
	Payload    json.RawMessage `json:"payload"`
}

// benchAppend appends one synthetic entry (type "bench.append") to a production
// whose id starts with "bench" and answers its index once it is durable. Enabled
// only by serve --bench-append.
func (s *Server) benchAppend(w http.ResponseWriter, r *http.Request) {
	var req benchAppendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		s.writeError(w, r, invalid("", "request body: %v", err))
		return
	}
	if !strings.HasPrefix(req.Production, "bench") {
		s.writeError(w, r, invalid("production", "bench appends go only to productions named bench*"))
		return
	}
	if err := ledger.ValidProduction(req.Production); err != nil {
		s.writeError(w, r, invalid("production", "%v", err))
		return
	}
	l, err := s.ledger.Log(r.Context(), req.Production)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	index, err := l.Do(r.Context(), func(ledger.Folder, uint64) ([]ledger.Entry, error) {
		return []ledger.Entry{{Time: time.Now(), Type: "bench.append", Payload: req.Payload}}, nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, map[string]uint64{"index": index})
}
