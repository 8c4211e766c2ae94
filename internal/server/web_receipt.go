package server

import (
	"net/http"
	"strings"
	"time"

	"coldset/internal/rules"
)

// Anonymous concerns: the receipt code is shown once when the concern is filed, and
// is afterwards the only way back to it. Following it needs no sign-in, and the code
// travels only in POST bodies, never in an address, so it stays out of browser
// history and access logs. Nothing here logs or stores who asked.

type receiptShownView struct {
	Code       string
	Concern    string
	Production string
}

// showReceipt answers the POST that filed an anonymous concern with its receipt
// code. The page is not cached, and the code is not kept anywhere on the server.
func (s *Server) showReceipt(w http.ResponseWriter, r *http.Request, c *webCtx, code string, concern any) {
	id, _ := concern.(string)
	data := s.page(w, r, c, "Your receipt code", "/concerns", receiptShownView{Code: code, Concern: id, Production: c.ov.ID})
	data.Flash = &flash{Kind: "ok", Title: "Concern filed anonymously.", Message: "Nothing about you is stored with it. The safety officer has been told."}
	s.render(w, r, http.StatusOK, "receipt-shown", data)
}

type receiptView struct {
	Production string
	Code       string // echoed only into the reopen form's hidden field
	Found      bool
	Error      string
	C          concernCard
	Text       string
	Thread     []step
	CanReopen  bool
}

// webReceiptPage is GET /receipt: the form to follow a concern by its receipt code.
func (s *Server) webReceiptPage(w http.ResponseWriter, r *http.Request) {
	v := receiptView{Production: r.URL.Query().Get("production")}
	s.render(w, r, http.StatusOK, "receipt", &pageData{Title: "Follow a concern", CSRF: ensureCSRF(w, r), Body: v})
}

// webReceipt is POST /receipt: the concern's status and replies, and (with reopen)
// its reopening by whoever holds the code. An unknown production and an unknown code
// get the same answer.
func (s *Server) webReceipt(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	v := receiptView{Production: strings.TrimSpace(r.PostFormValue("production")), Code: strings.TrimSpace(r.PostFormValue("code"))}
	data := &pageData{Title: "Follow a concern", CSRF: ensureCSRF(w, r), Body: &v}
	if !checkCSRF(r) {
		v.Error = "The form had expired. Enter the code again."
		s.render(w, r, http.StatusForbidden, "receipt", data)
		return
	}
	notFound := func() {
		v.Error = "No concern matches that production and receipt code. Check both and try again."
		v.Code = ""
		s.render(w, r, http.StatusNotFound, "receipt", data)
	}
	p, err := s.production(r.Context(), v.Production)
	if err != nil || v.Code == "" {
		notFound()
		return
	}
	now := s.api.now()
	if r.PostFormValue("reopen") != "" {
		var id string
		p.View(func(st *rules.State) { id, _ = st.ConcernForReceipt(v.Code) })
		if id == "" {
			notFound()
			return
		}
		res, err := p.Do(r.Context(), rules.Actor{Anonymous: true, Receipt: v.Code}, rules.Command{Do: "concern.reopen", With: []byte(`{"concern":"` + id + `"}`)}, now)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		s.web.events.notify(p.ID())
		if res.Outcome == rules.Refused {
			f := refusedFlash(res)
			data.Flash = &f
		} else {
			data.Flash = &flash{Kind: "ok", Title: "Concern reopened.", Message: "It starts again as if filed now: the safety officer has been told."}
		}
	} else if _, err := p.Tick(r.Context(), now); err != nil {
		s.webError(w, r, err)
		return
	}
	c := &webCtx{access: access{prod: p}, now: now, roles: map[string]bool{}}
	var id string
	p.View(func(st *rules.State) {
		id, _ = st.ConcernForReceipt(v.Code)
		c.ov = st.Overview()
	})
	if id == "" {
		notFound()
		return
	}
	if c.loc, err = time.LoadLocation(c.ov.Timezone); err != nil {
		c.loc = time.UTC
	}
	for _, cv := range c.ov.Concerns {
		if cv.ID == id {
			v.C, v.Found, v.CanReopen = c.concernCard(cv), true, cv.Status != "open"
		}
	}
	if v.Text, v.Thread, err = concernThread(r.Context(), p, id, c); err != nil {
		s.webError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "receipt", data)
}
