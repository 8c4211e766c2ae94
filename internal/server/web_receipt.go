package server

import (
	"encoding/json"
	"errors"
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
func (s *Server) showReceipt(w http.ResponseWriter, r *http.Request, c *webCtx, code string, id string) {
	data := s.page(w, r, c, "Your receipt code", "/concerns", receiptShownView{Code: groupReceipt(code), Concern: id, Production: c.ov.ID})
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
// Like every anonymous page it sets no cookie and reads none (web_anon.go).
func (s *Server) webReceiptPage(w http.ResponseWriter, r *http.Request) {
	v := receiptView{Production: r.URL.Query().Get("production")}
	s.render(w, r, http.StatusOK, "receipt", &pageData{Title: "Follow a concern", Body: v})
}

// webReceipt is POST /receipt: the concern's status and replies; with do=reply the
// reporter's answer (concern.reply), with reopen its reopening, both by whoever holds
// the code. An unknown production and an unknown code get the same answer, and
// wrong codes are limited like the API's (api_anonymous_limit.go).
func (s *Server) webReceipt(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	v := receiptView{Production: strings.TrimSpace(r.PostFormValue("production")), Code: strings.TrimSpace(r.PostFormValue("code"))}
	data := &pageData{Title: "Follow a concern", Body: &v}
	fail := func(status int, msg string) {
		v.Error, v.Code = msg, ""
		s.render(w, r, status, "receipt", data)
	}
	if v.Production == "" || v.Code == "" {
		fail(http.StatusBadRequest, "Enter both the production and the receipt code.")
		return
	}
	found, err := s.findReceipt(r.Context(), v.Production, v.Code)
	var paused *tooManyGuesses
	switch {
	case errors.As(err, &paused):
		paused.retryAfter(w)
		fail(http.StatusTooManyRequests, paused.message())
		return
	case errors.Is(err, errNoReceipt):
		fail(http.StatusNotFound, errNoReceipt.Error())
		return
	case err != nil:
		s.anonError(w, r, err)
		return
	}
	p, now := found.prod, s.api.now()
	var cmd rules.Command
	switch {
	case r.PostFormValue("reopen") != "":
		with, _ := json.Marshal(map[string]string{"concern": found.concern})
		cmd = rules.Command{Do: rules.ConcernReopen, With: with}
	case r.PostFormValue("do") == "reply":
		with, _ := json.Marshal(map[string]string{"concern": found.concern, "text": r.PostFormValue("text")})
		cmd = rules.Command{Do: rules.ConcernReply, With: with}
	}
	if cmd.Do != "" {
		res, err := p.Do(r.Context(), rules.Actor{Anonymous: true, Receipt: found.code}, cmd, now)
		if err != nil {
			s.anonError(w, r, err)
			return
		}
		s.web.events.notify(p.ID())
		switch {
		case res.Outcome == rules.Refused:
			f := refusedFlash(res)
			data.Flash = &f
		case cmd.Do == rules.ConcernReopen:
			data.Flash = &flash{Kind: "ok", Title: "Concern reopened.", Message: "It starts again as if filed now: the safety officer has been told."}
		default:
			data.Flash = &flash{Kind: "ok", Title: "Your answer is on the concern's record.", Message: "Those handling it read it there; they still do not know who you are."}
		}
	} else if _, err := p.Tick(r.Context(), now); err != nil {
		s.anonError(w, r, err)
		return
	}
	data.Now = now.UTC().Format(time.RFC3339) // the countdowns count from the server's clock
	c := &webCtx{access: access{prod: p}, now: now}
	var cv rules.ConcernView
	p.View(func(st *rules.State) {
		c.ov = st.OpenOverview()
		cv, v.Found = st.Concern(found.concern)
	})
	if c.loc, err = time.LoadLocation(c.ov.Timezone); err != nil {
		c.loc = time.UTC
	}
	if v.Found {
		v.C, v.CanReopen = c.concernCard(cv), cv.Status != "open"
	}
	if v.Text, v.Thread, err = concernThread(r.Context(), p, found.concern, c); err != nil {
		s.anonError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "receipt", data)
}
