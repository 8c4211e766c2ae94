package server

import (
	"net/http"
	"strings"

	"coldset/internal/auth"
)

// ledgerReader guards the ledger's read routes (checkpoint, entries, inclusion and
// consistency proofs) like member guards the rest of a production: its people and
// studio admins get through, a caller without a session gets 401, and everyone else
// the same 404 as for a production that does not exist. The entries are the whole
// record (who handled which firearm, every concern's words), so a member of one
// production must not read another's, nor learn that it exists.
//
// Nobody outside needs these routes open: witnesses are sent every checkpoint with
// its consistency proof (internal/witness), and an investigator gets the evidence
// bundle (coldset export), which verifies offline. The one exception is the synthetic
// logs of productions named bench*, which exist only with --bench-append, hold no
// records, and are read by the load and crash tests without accounts.
func (s *Server) ledgerReader(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if s.benchLogs && strings.HasPrefix(id, "bench") {
			h(w, r)
			return
		}
		s.authed(func(w http.ResponseWriter, r *http.Request, c auth.Account) {
			if _, err := s.personOn(r.Context(), c, id); err != nil {
				s.writeError(w, r, err)
				return
			}
			h(w, r)
		})(w, r)
	}
}
