package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"coldset/internal/rules"
)

// The API of anonymous reporting: file without an account, then read, answer and
// reopen by receipt code. None of these routes reads a session or a token, and the
// code travels only in request bodies, never in an address. Served through
// anonymousRoute (web_anon.go).

type anonymousConcernRequest struct {
	Category string `json:"category"`
	Severity string `json:"severity"`
	Text     string `json:"text"`
}

type anonymousConcernResponse struct {
	Receipt    string `json:"receipt"` // shown once; kept nowhere
	Concern    string `json:"concern"`
	Production string `json:"production"`
}

// apiFileAnonymous is POST /api/productions/{id}/concerns/anonymous: 201 with the
// receipt code. A malformed concern is refused (422 naming the field) as the rules
// decide, and that refusal is recorded like any other, without identity. Past the
// filing limits it is 429 with Retry-After, and nothing is recorded.
func (s *Server) apiFileAnonymous(w http.ResponseWriter, r *http.Request) {
	var req anonymousConcernRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.production(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code, id, res, err := s.fileAnonymous(r.Context(), p, req.Category, req.Severity, req.Text)
	if err != nil {
		s.writeAnonError(w, r, err)
		return
	}
	if res.Outcome == rules.Refused {
		s.writeError(w, r, refusal(res, "with."))
		return
	}
	s.writeStatus(w, r, http.StatusCreated, anonymousConcernResponse{Receipt: groupReceipt(code), Concern: id, Production: p.ID()})
}

type receiptRequest struct {
	Production string `json:"production"`
	Receipt    string `json:"receipt"`
}

type receiptReplyRequest struct {
	Production string `json:"production"`
	Receipt    string `json:"receipt"`
	Text       string `json:"text"`
}

// readReceipt decodes a receipt request and finds its concern.
func (s *Server) readReceipt(w http.ResponseWriter, r *http.Request, req any) (receiptFound, bool) {
	if err := decodeJSON(w, r, req); err != nil {
		s.writeError(w, r, err)
		return receiptFound{}, false
	}
	var prod, code string
	switch v := req.(type) {
	case *receiptRequest:
		prod, code = v.Production, v.Receipt
	case *receiptReplyRequest:
		prod, code = v.Production, v.Receipt
	}
	prod, code = strings.TrimSpace(prod), strings.TrimSpace(code)
	switch {
	case prod == "":
		s.writeError(w, r, invalid("production", "production is missing: the production's id, as on the poster (e.g. dry-creek)"))
		return receiptFound{}, false
	case code == "":
		s.writeError(w, r, invalid("receipt", "receipt is missing: the code you were given when you filed the concern"))
		return receiptFound{}, false
	}
	f, err := s.findReceipt(r.Context(), prod, code)
	if err != nil {
		s.writeAnonError(w, r, err)
		return receiptFound{}, false
	}
	return f, true
}

// apiReceipt is POST /api/receipt: the concern of a receipt code, with its thread.
func (s *Server) apiReceipt(w http.ResponseWriter, r *http.Request) {
	var req receiptRequest
	f, ok := s.readReceipt(w, r, &req)
	if !ok {
		return
	}
	// What it shows must be true now: record the deadlines that fell due.
	if _, err := f.prod.Tick(r.Context(), s.api.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeReceipt(w, r, f, http.StatusOK)
}

// apiReceiptReply is POST /api/receipt/reply: the reporter answers on the thread
// (concern.reply), as whoever holds the code. 201 with the concern.
func (s *Server) apiReceiptReply(w http.ResponseWriter, r *http.Request) {
	var req receiptReplyRequest
	f, ok := s.readReceipt(w, r, &req)
	if !ok {
		return
	}
	with, _ := json.Marshal(map[string]string{"concern": f.concern, "text": req.Text})
	s.doByReceipt(w, r, f, rules.Command{Do: rules.ConcernReply, With: with}, http.StatusCreated)
}

// apiReceiptReopen is POST /api/receipt/reopen: the reporter reopens a resolved or
// dismissed concern, once (concern-resolved-with-action).
func (s *Server) apiReceiptReopen(w http.ResponseWriter, r *http.Request) {
	var req receiptRequest
	f, ok := s.readReceipt(w, r, &req)
	if !ok {
		return
	}
	with, _ := json.Marshal(map[string]string{"concern": f.concern})
	s.doByReceipt(w, r, f, rules.Command{Do: rules.ConcernReopen, With: with}, http.StatusOK)
}

// doByReceipt does c as the anonymous holder of f's code and answers the concern.
func (s *Server) doByReceipt(w http.ResponseWriter, r *http.Request, f receiptFound, c rules.Command, status int) {
	if _, ok := s.doOrRefuse(w, r, f.prod, rules.Actor{Anonymous: true, Receipt: f.code}, c, "with."); !ok {
		return
	}
	s.writeReceipt(w, r, f, status)
}

func (s *Server) writeReceipt(w http.ResponseWriter, r *http.Request, f receiptFound, status int) {
	v, err := receiptJSONOf(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeStatus(w, r, status, v)
}
