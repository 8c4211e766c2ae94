package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"coldset/internal/auth"
	"coldset/internal/rules"
)

// signInView is the sign-in form.
type signInView struct {
	Email string
	Next  string
	Error string
}

func (s *Server) webSignInPage(w http.ResponseWriter, r *http.Request) {
	data := &pageData{Title: "Sign in", CSRF: ensureCSRF(w, r), Flash: takeFlash(w, r), Body: signInView{Next: localPath(r.URL.Query().Get("next"))}}
	s.render(w, r, http.StatusOK, "signin", data)
}

// webSignIn checks the e-mail and password and starts a session, as POST
// /api/session does, then sends the browser where it was going.
func (s *Server) webSignIn(w http.ResponseWriter, r *http.Request) {
	view := signInView{Email: r.PostFormValue("email"), Next: localPath(r.PostFormValue("next"))}
	fail := func(status int, msg string) {
		view.Error = msg
		s.render(w, r, status, "signin", &pageData{Title: "Sign in", CSRF: ensureCSRF(w, r), Body: view})
	}
	if !checkCSRF(r) {
		fail(http.StatusForbidden, "The form had expired. Sign in again.")
		return
	}
	if s.api.accounts == nil {
		s.webError(w, r, errors.New("no account store configured"))
		return
	}
	now, addr := s.api.now(), clientAddr(r)
	if lk := s.limiter.check(view.Email, addr, now); lk != nil {
		lk.retryAfter(w)
		fail(http.StatusTooManyRequests, lk.message())
		return
	}
	a, err := auth.SignIn(r.Context(), s.api.accounts, view.Email, r.PostFormValue("password"))
	if errors.Is(err, auth.ErrBadPassword) {
		if lk := s.limiter.fail(view.Email, addr, now); lk != nil {
			lk.retryAfter(w)
			fail(http.StatusTooManyRequests, lk.message())
			return
		}
		fail(http.StatusUnauthorized, "Wrong e-mail or password.")
		return
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.limiter.succeed(view.Email)
	if err := s.startSession(w, r, a.ID, now); err != nil {
		s.webError(w, r, err)
		return
	}
	next := view.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// webSignOut ends the session and clears the cookie.
func (s *Server) webSignOut(w http.ResponseWriter, r *http.Request) {
	if !checkCSRF(r) {
		s.webError(w, r, invalid("csrf", "The form had expired. Reload the page and try again."))
		return
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" && s.api.accounts != nil {
		if err := s.endSession(r.Context(), ck.Value); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode})
	setFlash(w, r, flash{Kind: "ok", Title: "Signed out."})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// homeView lists the productions the caller may open.
type homeView struct {
	Productions []productionItem
}

// webHome lists the caller's productions; a crew member on exactly one goes
// straight to it.
func (s *Server) webHome(w http.ResponseWriter, r *http.Request) {
	acct, err := s.caller(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	visible, err := s.visibleProductions(r.Context(), acct)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if len(visible) == 1 && !acct.Admin {
		http.Redirect(w, r, "/productions/"+visible[0].ID, http.StatusSeeOther)
		return
	}
	view := homeView{}
	for _, vp := range visible {
		it := productionItem{ID: vp.ID, Person: vp.Person}
		vp.prod.View(func(st *rules.State) {
			ov := st.OpenOverview()
			it.Name, it.Risk, it.Holds = ov.Name, ov.Risk.Level, st.Holds()
		})
		view.Productions = append(view.Productions, it)
	}
	s.render(w, r, http.StatusOK, "home", &pageData{Title: "Productions", Account: &acct, CSRF: s.csrfToken(r), Flash: takeFlash(w, r), Body: view})
}

// localPath keeps a redirect target on this site: a plain path, not a URL elsewhere,
// or "" for anything else. Browsers forgive much in a Location (they drop tabs and
// newlines and read a backslash as "/", so "/\t/evil.example" leads off-site), so only a
// path that needs no forgiving is kept: one leading "/", printable ASCII without
// spaces or backslashes (anything else arrives percent-encoded from a real link), and no
// scheme or host when parsed.
func localPath(p string) string {
	if len(p) == 0 || len(p) > maxLocalPath || p[0] != '/' || strings.HasPrefix(p, "//") {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return p
}

// maxLocalPath bounds a redirect target; no page of coldset has a longer address.
const maxLocalPath = 2048
