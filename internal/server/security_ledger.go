package server

import (
	"net/http"

	"coldset/internal/rules"
)

// ledgerReader guards the ledger's read routes (checkpoint, entries, inclusion and
// consistency proofs) like member guards the rest of a production, and then asks the
// read policy for what: the checkpoint and proofs are hashes, the production's status
// (rules.ReadStatus); the entries are the whole record, who handled which firearm and
// every concern's words (rules.ReadRecord), and answer anyone else on the production
// 403. A caller without a session gets 401, and anyone not on the production the same
// 404 as for a production that does not exist.
//
// Nobody outside needs these routes open: witnesses are sent every checkpoint with
// its consistency proof (internal/witness), and an investigator gets the evidence
// bundle (coldset export), which verifies offline.
func (s *Server) ledgerReader(what rules.Read, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.member(func(w http.ResponseWriter, r *http.Request, a access) {
			if !a.may(what) {
				s.writeError(w, r, cannotRead(what))
				return
			}
			h(w, r)
		})(w, r)
	}
}

// cannotRead is the answer to a person on the production who asks for what the read
// policy does not give them.
func cannotRead(what rules.Read) error {
	if what == rules.ReadRecord {
		return &apiError{kind: kindForbidden, detail: "The whole record (every entry of the ledger, with every concern's words) is read by the producers, the safety officer and the investigator."}
	}
	return &apiError{kind: kindForbidden, detail: "This is not yours to read on this production."}
}
