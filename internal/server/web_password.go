package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"coldset/internal/auth"
	"coldset/internal/notify"
)

// Setting a password through a one-time link (/password/{token}): the link of an
// invitation, of a reset a studio admin hands over (passwordLink, coldset user
// reset), or of the forgot-password form, which mails it. The page shows whose
// password it sets; setting it uses the link up, ends the account's sessions and
// signs this browser in. A link that was used, has expired or never existed says so
// and offers a new one. The token is in the address, so the pages carry
// Referrer-Policy no-referrer (every page does) and are not cached.

// passwords is the server's part of the password links.
type passwords struct {
	mail      notify.Mailer // nil: the forgot-password form cannot mail links
	publicURL string        // the address people open coldset at, no trailing slash; "" if not told
	limit     *linkLimiter
	sending   sync.WaitGroup // forgot-password mails on their way (tests wait for them)
}

func newPasswords(cfg Config) *passwords {
	return &passwords{mail: cfg.Mail, publicURL: strings.TrimRight(cfg.PublicURL, "/"), limit: newLinkLimiter()}
}

// canMail reports whether the forgot-password form mails links. It needs the public
// address as well as a mail server: a link built from the request's Host header
// could point wherever the sender of the form liked, and carry the secret there.
func (p *passwords) canMail() bool { return p.mail != nil && p.publicURL != "" }

// registerPasswordPages registers the password link pages and the forgot-password
// form with registerWeb's page and post wrappers.
func (s *Server) registerPasswordPages(page, post func(string, http.HandlerFunc)) {
	page("GET /password/{token}", s.webPasswordPage)
	post("POST /password/{token}", s.webPassword)
	page("GET /signin/forgot", s.webForgotPage)
	post("POST /signin/forgot", s.webForgot)
}

// passwordLink makes a one-time link that sets the password of the account with
// that e-mail and returns its absolute URL, for a studio admin to hand over: an
// invitation (auth.InviteLinkTTL) when the account has no password yet, a reset
// (auth.ResetLinkTTL) otherwise. The account must exist (auth.Invite makes one);
// the error wraps auth.ErrNotFound when it does not.
func (s *Server) passwordLink(r *http.Request, email string) (string, error) {
	if s.api.accounts == nil {
		return "", errors.New("no account store configured")
	}
	secret, _, err := auth.LinkFor(r.Context(), s.api.accounts, email, s.api.now())
	if err != nil {
		return "", err
	}
	return s.baseURL(r) + "/password/" + secret, nil
}

// baseURL is where people reach this server: the configured public address, or
// the request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if s.pw.publicURL != "" {
		return s.pw.publicURL
	}
	return absoluteURL(r, "")
}

// passwordView is the set-password page.
type passwordView struct {
	Token  string
	Email  string
	Invite bool   // the account has no password yet
	Until  string // when the link stops working
	Error  string
	// Gone says why the link no longer works; the form is not shown then.
	Gone    string
	CanMail bool // a new link can be asked for by e-mail
}

func (s *Server) webPasswordPage(w http.ResponseWriter, r *http.Request) {
	view, status := s.passwordLinkView(r)
	s.renderPassword(w, r, status, view)
}

// passwordLinkView looks up the link of the request's address.
func (s *Server) passwordLinkView(r *http.Request) (passwordView, int) {
	view := passwordView{Token: r.PathValue("token"), CanMail: s.pw.canMail()}
	if s.api.accounts == nil {
		view.Gone = "This server keeps no accounts."
		return view, http.StatusNotFound
	}
	l, a, err := auth.CheckPasswordLink(r.Context(), s.api.accounts, view.Token, s.api.now())
	view.Email, view.Invite = a.Email, l.Purpose == auth.LinkInvite
	switch {
	case errors.Is(err, auth.ErrLinkUsed):
		view.Gone = "This link has been used already: a password was set with it (or with a newer link) at " +
			l.Used.UTC().Format("2006-01-02 15:04") + " UTC. A link works once."
		return view, http.StatusGone
	case errors.Is(err, auth.ErrLinkExpired):
		view.Gone = "This link expired at " + l.Expires.UTC().Format("2006-01-02 15:04") + " UTC."
		return view, http.StatusGone
	case errors.Is(err, auth.ErrNotFound):
		view.Email = ""
		view.Gone = "This link is not known here. Check that the whole address was copied."
		return view, http.StatusNotFound
	case err != nil:
		view.Gone = "The link could not be checked just now. Try again in a moment."
		s.log.Error("password link", "err", err)
		return view, http.StatusServiceUnavailable
	}
	view.Until = l.Expires.UTC().Format("2006-01-02 15:04") + " UTC"
	return view, http.StatusOK
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, view passwordView) {
	title := "Set a new password"
	switch {
	case view.Gone != "":
		title = "This link does not work"
	case view.Invite:
		title = "Set your password"
	}
	s.render(w, r, status, "password", &pageData{Title: title, CSRF: ensureCSRF(w, r), Body: view})
}

// webPassword sets the password through the link, then signs this browser in.
func (s *Server) webPassword(w http.ResponseWriter, r *http.Request) {
	view, status := s.passwordLinkView(r)
	if view.Gone != "" {
		s.renderPassword(w, r, status, view)
		return
	}
	fail := func(status int, msg string) {
		view.Error = msg
		s.renderPassword(w, r, status, view)
	}
	if !checkCSRF(r) {
		fail(http.StatusForbidden, "The form had expired. Type the new password again.")
		return
	}
	password := r.PostFormValue("password")
	switch {
	case len(password) < auth.MinPasswordLen:
		fail(http.StatusBadRequest, fmt.Sprintf("A password needs at least %d characters.", auth.MinPasswordLen))
		return
	case len(password) > auth.MaxPasswordLen:
		fail(http.StatusBadRequest, fmt.Sprintf("A password has at most %d characters.", auth.MaxPasswordLen))
		return
	case password != r.PostFormValue("repeat"):
		fail(http.StatusBadRequest, "The two passwords are not the same. Type them again.")
		return
	}
	now := s.api.now()
	a, err := auth.UsePasswordLink(r.Context(), s.api.accounts, view.Token, password, now)
	if errors.Is(err, auth.ErrLinkUsed) || errors.Is(err, auth.ErrLinkExpired) || errors.Is(err, auth.ErrNotFound) {
		view, status = s.passwordLinkView(r) // used meanwhile, or expired while typing
		s.renderPassword(w, r, status, view)
		return
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.passwordChanged(a)
	s.limiter.succeed(a.Email) // whoever holds the link may sign in again at once

	// This browser may hold another session (of this account, ended by the change
	// above, or of someone else's): end it, and start one for the account.
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.endSession(r.Context(), ck.Value); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	if err := s.startSession(w, r, a.ID, now); err != nil {
		s.webError(w, r, err)
		return
	}
	setFlash(w, r, flash{Kind: "ok", Title: "Your password is set.", Message: "You are signed in as " + a.Email +
		". Any other sign-in of this account has ended."})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// passwordChanged is told when an account's password changed and its sessions
// ended, so that nothing kept in memory outlives them.
func (s *Server) passwordChanged(a auth.Account) { s.forgetAuth(a.ID) }

// forgotView is the forgot-password page.
type forgotView struct {
	CanMail bool
	Email   string
	Sent    bool // the form was sent: a link is on its way if the account exists
	Error   string
}

func (s *Server) webForgotPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password-forgot", &pageData{Title: "Forgot your password?", CSRF: ensureCSRF(w, r),
		Body: forgotView{CanMail: s.pw.canMail()}})
}

// webForgot mails a reset link to the e-mail typed, if an account has it. The answer
// is the same whether one does or not, and comes before the lookup: the lookup, the
// link and the mail happen afterwards, so not even the time taken tells.
func (s *Server) webForgot(w http.ResponseWriter, r *http.Request) {
	view := forgotView{CanMail: s.pw.canMail(), Email: strings.TrimSpace(r.PostFormValue("email"))}
	show := func(status int) {
		s.render(w, r, status, "password-forgot", &pageData{Title: "Forgot your password?", CSRF: ensureCSRF(w, r), Body: view})
	}
	if !checkCSRF(r) {
		view.Error = "The form had expired. Type the e-mail again."
		show(http.StatusForbidden)
		return
	}
	if !view.CanMail || s.api.accounts == nil {
		show(http.StatusOK)
		return
	}
	email, err := auth.CheckEmail(view.Email)
	if err != nil {
		view.Error = "That is not an e-mail address."
		show(http.StatusBadRequest)
		return
	}
	view.Email = email
	now := s.api.now()
	if until, ok := s.pw.limit.take(email, clientAddr(r), now); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(until.Sub(now)/time.Second)+1))
		view.Error = fmt.Sprintf("Many links were asked for just now. Try again after %s UTC, or ask your studio admin.",
			until.UTC().Format("15:04"))
		show(http.StatusTooManyRequests)
		return
	}
	base := s.baseURL(r)
	s.pw.sending.Add(1)
	go func() {
		defer s.pw.sending.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.mailPasswordLink(ctx, base, email, now); err != nil {
			s.log.Error("forgot-password mail not sent", "err", err)
		}
	}()
	view.Sent = true
	show(http.StatusOK)
}

// mailPasswordLink mails a link for the account with e-mail, if there is one.
func (s *Server) mailPasswordLink(ctx context.Context, base, email string, now time.Time) error {
	a, err := s.api.accounts.AccountByEmail(ctx, email)
	if errors.Is(err, auth.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	purpose := auth.LinkReset
	if a.PasswordHash == "" {
		purpose = auth.LinkInvite
	}
	secret, err := auth.NewPasswordLink(ctx, s.api.accounts, a.ID, purpose, now, auth.MailedLinkTTL)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Someone, perhaps you, asked for a link to set a new password for the coldset account %s.\n\n"+
		"Open this link within an hour to choose the password. It works once:\n\n%s/password/%s\n\n"+
		"If you did not ask for it, ignore this message: the password stays as it is.\n", a.Email, base, secret)
	// The delivery key makes the Message-ID: each link mail is a message of its own.
	d := notify.Delivery{Message: notify.Message{Contact: "password-link:" + auth.CredentialID(auth.HashToken(secret)),
		Channel: notify.ChannelEmail, Address: a.Email, Subject: "Your coldset password link", Body: []byte(body)}}
	if err := s.pw.mail.Send(ctx, d); err != nil {
		return fmt.Errorf("mail a password link to account %d: %w", a.ID, err)
	}
	return nil
}

// Limits on forgot-password mails, counted whether the e-mail has an account or
// not: per e-mail, so that nobody's mailbox is flooded; per client address; and for
// the whole server, since each mail costs the mail server's goodwill.
const (
	linkWindow     = time.Hour
	linksPerEmail  = 3
	linksPerAddr   = 10
	linksPerServer = 100
	linkMaxTracked = 10_000
)

// linkLimiter counts forgot-password mails in a sliding window. It is safe for
// concurrent use.
type linkLimiter struct {
	mu     sync.Mutex
	emails map[string][]time.Time
	addrs  map[string][]time.Time
	server []time.Time
}

func newLinkLimiter() *linkLimiter {
	return &linkLimiter{emails: map[string][]time.Time{}, addrs: map[string][]time.Time{}}
}

// take counts one mail for email from addr at now, or, when a limit is reached,
// counts nothing and returns when the first limit reached lets one more through.
func (l *linkLimiter) take(email, addr string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := now.Add(-linkWindow)
	recent := func(ts []time.Time) []time.Time {
		i := 0
		for i < len(ts) && !ts[i].After(cut) {
			i++
		}
		return ts[i:]
	}
	if len(l.emails) >= linkMaxTracked || len(l.addrs) >= linkMaxTracked {
		for _, m := range []map[string][]time.Time{l.emails, l.addrs} {
			for k, ts := range m {
				if len(recent(ts)) == 0 {
					delete(m, k)
				}
			}
		}
	}
	e, a := recent(l.emails[email]), recent(l.addrs[addr])
	l.server = recent(l.server)
	for _, c := range []struct {
		ts    []time.Time
		limit int
	}{{e, linksPerEmail}, {a, linksPerAddr}, {l.server, linksPerServer}} {
		if len(c.ts) >= c.limit {
			l.emails[email], l.addrs[addr] = e, a
			return c.ts[len(c.ts)-c.limit].Add(linkWindow), false
		}
	}
	l.emails[email], l.addrs[addr], l.server = append(e, now), append(a, now), append(l.server, now)
	return time.Time{}, true
}
