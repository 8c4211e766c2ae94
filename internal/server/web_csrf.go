package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"coldset/internal/auth"
)

// CSRF: every form carries a token derived from the browser's own secret (the
// session cookie once signed in, a pre-session cookie before), and every POST is
// checked against it. A page on another site cannot read the cookie, so it cannot
// make the token. The token is a one-way hash of the secret, distinct from the hash
// the store keeps, so neither the page nor the database reveals the secret.

// csrfCookie is the pre-session secret for the forms used before signing in (the
// sign-in form itself, following a concern by receipt).
const csrfCookie = "coldset_csrf"

// flashCookie carries one message from a form's POST to the page it redirects to.
const flashCookie = "coldset_flash"

// csrfSeed is the browser secret tokens derive from: the session when signed in.
func csrfSeed(r *http.Request) string {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return ck.Value
	}
	if ck, err := r.Cookie(csrfCookie); err == nil && ck.Value != "" {
		return ck.Value
	}
	return ""
}

func csrfFor(seed string) string {
	sum := sha256.Sum256([]byte("coldset csrf token\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(sum[:24])
}

// csrfToken returns the token for the forms of this request's page, or "" when the
// browser has no secret yet (see ensureCSRF).
func (s *Server) csrfToken(r *http.Request) string {
	if seed := csrfSeed(r); seed != "" {
		return csrfFor(seed)
	}
	return ""
}

// ensureCSRF returns the token for a page that may be shown before signing in,
// giving the browser a pre-session secret first when it has none.
func ensureCSRF(w http.ResponseWriter, r *http.Request) string {
	if seed := csrfSeed(r); seed != "" {
		return csrfFor(seed)
	}
	seed := auth.NewSecret()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: seed, Path: "/", HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteStrictMode})
	return csrfFor(seed)
}

// checkCSRF reports whether a POST carries the token of its browser's secret.
func checkCSRF(r *http.Request) bool {
	seed := csrfSeed(r)
	got := r.PostFormValue("csrf")
	return seed != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(csrfFor(seed))) == 1
}

// flash is the outcome of the last form, shown once at the top of the next page.
type flash struct {
	Kind      string   `json:"k"` // ok, refused, error
	Title     string   `json:"t"`
	Message   string   `json:"m,omitempty"`
	Rule      string   `json:"r,omitempty"`  // the rule id, shown small beside its words
	RuleWords string   `json:"rw,omitempty"` // the rule in plain words
	Items     []string `json:"i,omitempty"`  // flags raised, incidents opened, escalations
}

// setFlash stores f for the next page. Its text is escaped when rendered, so a
// forged cookie could at most show odd words to its own browser.
func setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	data, err := json.Marshal(f)
	if err != nil {
		return
	}
	v := base64.RawURLEncoding.EncodeToString(data)
	if len(v) > 3500 { // stay under the browsers' cookie size limit
		f.Items, f.Message = nil, truncate(f.Message, 1000)
		data, _ = json.Marshal(f)
		v = base64.RawURLEncoding.EncodeToString(data)
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v, Path: "/", MaxAge: 120, HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the pending flash, if any, and clears it so it shows once.
// With a nil w it only reads.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	ck, err := r.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	if w != nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode})
	}
	data, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(data, &f) != nil || f.Title == "" {
		return nil
	}
	return &f
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
