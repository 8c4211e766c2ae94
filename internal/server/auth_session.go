package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"coldset/internal/auth"
)

// sessionCookie holds a browser session's secret. The store keeps only its SHA-256.
const sessionCookie = "coldset_session"

// authedHandler is a handler for signed-in callers only; c is the caller's account.
type authedHandler func(w http.ResponseWriter, r *http.Request, c auth.Account)

// authed answers 401 unless the request carries a valid API token (Authorization:
// Bearer) or session cookie.
func (s *Server) authed(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.caller(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, c)
	}
}

// caller authenticates r. A request with an Authorization header is judged by it
// alone, so a script's wrong token is not rescued by a browser cookie.
func (s *Server) caller(r *http.Request) (auth.Account, error) {
	if s.api.accounts == nil {
		return auth.Account{}, errors.New("no account store configured")
	}
	kind, secret := auth.KindSession, ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return auth.Account{}, unauthorized("the Authorization header must be \"Bearer\" and an API token (coldset token create)")
		}
		kind, secret = auth.KindToken, strings.TrimSpace(token)
	} else if ck, err := r.Cookie(sessionCookie); err == nil {
		secret = ck.Value
	}
	if secret == "" {
		return auth.Account{}, unauthorized("sign in first (POST /api/session), or send an API token as Authorization: Bearer")
	}
	a, err := s.authenticate(r.Context(), kind, secret, s.api.now())
	switch {
	case errors.Is(err, auth.ErrNotFound) && kind == auth.KindToken:
		return auth.Account{}, unauthorized("the API token is unknown or revoked; create one with coldset token create")
	case errors.Is(err, auth.ErrNotFound):
		return auth.Account{}, unauthorized("the session has ended; sign in again (POST /api/session)")
	}
	return a, err
}

func unauthorized(detail string) error {
	return &apiError{kind: kindUnauthorized, detail: detail}
}

func forbidden(rule, detail string) error {
	return &apiError{kind: kindForbidden, rule: rule, detail: detail}
}

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// accountJSON is the signed-in account as the API shows it.
type accountJSON struct {
	Email       string           `json:"email"`
	Admin       bool             `json:"admin"`
	Productions []membershipJSON `json:"productions"`
}

type membershipJSON struct {
	Production string `json:"production"`
	Person     string `json:"person"`
}

// signIn checks an e-mail and password and starts a browser session: 201 with the
// account and a session cookie, 401 that does not say which of the two was wrong, or
// 429 while the account or the client's address is locked out (ratelimit.go).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	var req signInRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.api.accounts == nil {
		s.writeError(w, r, errors.New("no account store configured"))
		return
	}
	now, addr := s.api.now(), clientAddr(r)
	if lk := s.limiter.check(req.Email, addr, now); lk != nil {
		lk.retryAfter(w)
		s.writeError(w, r, lk.apiError())
		return
	}
	a, err := auth.SignIn(r.Context(), s.api.accounts, req.Email, req.Password)
	if errors.Is(err, auth.ErrBadPassword) {
		if lk := s.limiter.fail(req.Email, addr, now); lk != nil {
			lk.retryAfter(w)
			s.writeError(w, r, lk.apiError())
			return
		}
		s.writeError(w, r, unauthorized("wrong e-mail or password"))
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.limiter.succeed(req.Email)
	if err := s.startSession(w, r, a.ID, now); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeAccount(w, r, a, http.StatusCreated)
}

// whoAmI answers the signed-in account and the productions it is a person on.
func (s *Server) whoAmI(w http.ResponseWriter, r *http.Request, c auth.Account) {
	s.writeAccount(w, r, c, http.StatusOK)
}

func (s *Server) writeAccount(w http.ResponseWriter, r *http.Request, c auth.Account, status int) {
	ms, err := s.api.accounts.Memberships(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := accountJSON{Email: c.Email, Admin: c.Admin, Productions: []membershipJSON{}}
	for _, m := range ms {
		out.Productions = append(out.Productions, membershipJSON{Production: m.Production, Person: m.Person})
	}
	s.writeStatus(w, r, status, out)
}

// signOut ends the cookie's session, if any, and clears the cookie: 204 either way.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" && s.api.accounts != nil {
		if err := s.endSession(r.Context(), ck.Value); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

// endSession removes the session with this secret from the store, then what the
// server caches of its account (forgetAuth), so the cookie is refused from now on.
func (s *Server) endSession(ctx context.Context, secret string) error {
	a, known := s.authenticate(ctx, auth.KindSession, secret, s.api.now())
	if err := s.api.accounts.DeleteCredential(ctx, auth.HashToken(secret)); err != nil {
		return err
	}
	if known == nil {
		s.forgetAuth(a.ID)
	}
	return nil
}

// startSession issues a browser session for the account and sets its cookie:
// HttpOnly so no script reads it, SameSite=Lax so another site cannot post with it,
// Secure whenever the request came over HTTPS.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, account int64, now time.Time) error {
	secret, err := auth.Issue(r.Context(), s.api.accounts, account, auth.KindSession, now, auth.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", Expires: now.Add(auth.SessionTTL),
		MaxAge: int(auth.SessionTTL / time.Second), HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode,
	})
	return nil
}
