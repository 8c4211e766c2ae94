package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What every request passes before it reaches a route: the security headers go on
// every answer (API, pages, assets, errors, even the mux's own 404 and 405), and the
// body of every API request that has one is checked whole before any handler reads a
// byte of it, so that a bad body is refused in one clear way and never gets as far
// as the ledger.

// permissionsPolicy turns off the browser features coldset never uses, so that a
// script that got into a page could not use them either.
const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), midi=(), payment=(), usb=(), display-capture=()"

// strictTransportSecurity tells browsers to come back only over HTTPS for a year. It
// is sent only on answers that went over TLS (RFC 6797 forbids it on plain HTTP), and
// without includeSubDomains: the studio's other hosts are not coldset's to commit.
const strictTransportSecurity = "max-age=31536000"

// maxJSONDepth bounds how deeply an API request body may nest. The deepest real body,
// a production's config, nests four levels; a deeper one is an attack on whatever
// reads it later (the rules, the reports, a verifier), not a safety record.
const maxJSONDepth = 32

// apiCrossOrigin refuses unsafe API requests a browser sends from another site
// (Sec-Fetch-Site, Origin). The API routes are behind the same check (registerAPI).
var apiCrossOrigin = http.NewCrossOriginProtection()

// secure wraps h with the security headers and the API body check.
func (s *Server) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.forwarded(r) // the scheme a trusted proxy was reached by: proxy.go
		setSecurityHeaders(w.Header(), r)
		if strings.HasPrefix(r.URL.Path, "/api/") {
			// Cross-origin first, as the routes themselves do: a post from another
			// site is refused as such, whatever its body.
			if err := apiCrossOrigin.Check(r); err != nil {
				s.writeError(w, r, forbidden("", "a request from another site may not change anything here"))
				return
			}
			if err := checkAPIBody(r); err != nil {
				s.writeError(w, r, err)
				return
			}
		} else if err := checkFormBody(r); err != nil {
			// The page that says so names no account: the form may be an anonymous
			// report, whose handler never sees who sent it.
			r.Header.Del("Cookie")
			s.webError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// setSecurityHeaders sets the headers every answer carries. The Content-Security-
// Policy is the pages' own (web.go): nothing inline, nothing from elsewhere, no
// framing. On a JSON answer it costs nothing and keeps a browser that is tricked into
// rendering one from running anything.
func setSecurityHeaders(h http.Header, r *http.Request) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", permissionsPolicy)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if isHTTPS(r) {
		h.Set("Strict-Transport-Security", strictTransportSecurity)
	}
}

// checkAPIBody reads the body of an API request that sends one (POST, PUT, PATCH)
// and refuses it unless it is JSON (415), at most maxRequestBody bytes (413), valid
// UTF-8 (400: encoding/json would quietly turn bad bytes into U+FFFD, and the ledger
// would record words nobody sent) and nested at most maxJSONDepth deep (400). A body
// that passes is put back for the handler, which decodes it (decodeJSON).
func checkAPIBody(r *http.Request) error {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return nil
	}
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return nil // the handler says what it wanted
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return &apiError{kind: kindMediaType, detail: "send the request body as JSON, with Content-Type: application/json (not " +
			quoteOrNone(r.Header.Get("Content-Type")) + ")"}
	}
	tooLarge := &apiError{kind: kindTooLarge, detail: fmt.Sprintf("the request body is larger than %d bytes; no action needs as much", maxRequestBody)}
	if r.ContentLength > maxRequestBody {
		return tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	r.Body.Close()
	if err != nil {
		return invalid("", "the request body could not be read: %v", err)
	}
	if len(body) > maxRequestBody {
		return tooLarge
	}
	if at := invalidUTF8At(body); at >= 0 {
		return invalid("", "the request body is not valid UTF-8 (at byte %d); send text as UTF-8", at)
	}
	if jsonControlEscape(body) {
		return invalid("", "the request body holds a control character in a string (such as \\u0000); send text only: tabs and line breaks are fine")
	}
	if jsonDepth(body) > maxJSONDepth {
		return invalid("", "the request body nests deeper than %d levels of arrays and objects", maxJSONDepth)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return nil
}

// checkFormBody reads the body of a page's form (POST, URL-encoded) and refuses it
// (400, naming the field) when a name or value is not valid UTF-8 or holds a control
// character other than tab and line breaks: Go would pass the bytes on, and the ledger's
// JSON would record U+FFFD instead, words nobody typed; a NUL or an escape sequence in
// a record read aloud at a hearing helps nobody. A body that passes is put back for
// the handler.
func checkFormBody(r *http.Request) error {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil // the handler refuses what it cannot read
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	r.Body.Close()
	if err != nil {
		return invalid("", "the form could not be read: %v", err)
	}
	if len(body) > maxRequestBody {
		return &apiError{kind: kindTooLarge, detail: fmt.Sprintf("The form is larger than %d bytes; shorten what you typed.", maxRequestBody)}
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return invalid("", "the form could not be read: %v", err)
	}
	for name, vs := range vals {
		for _, v := range append([]string{name}, vs...) {
			if !plainText(v) {
				field := strings.TrimPrefix(strings.ToValidUTF8(name, "?"), "s:")
				return invalid(field, "Not done: %s holds characters that are not text (a broken character or a control character). Nothing was recorded; type it again.", field)
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return nil
}

// plainText reports whether s is valid UTF-8 with no control characters but tab,
// line feed and carriage return.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f || c >= 0x80 && c < 0xa0 {
			return false
		}
	}
	return true
}

// isJSON reports whether a Content-Type names JSON: application/json or a
// structured +json type, with any parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func quoteOrNone(s string) string {
	if s == "" {
		return "no Content-Type"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// invalidUTF8At returns the offset of the first byte that is not valid UTF-8, or -1.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// jsonDepth returns how deeply the arrays and objects of data nest, reading it as
// JSON only as far as strings go (brackets inside strings do not count). It does not
// validate: the decoder does that afterwards.
// jsonControlEscape reports whether a string in data escapes a control character
// other than tab and line breaks (\b, \f, \u0000 to \u001f, \u007f, \u0080 to
// \u009f): the same characters a page's form refuses (plainText). Raw control bytes
// in a string are not JSON at all, and the decoder refuses them.
func jsonControlEscape(data []byte) bool {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\' && i+1 < len(data):
			i++
			switch data[i] {
			case 'b', 'f':
				return true
			case 'u':
				if i+4 < len(data) {
					v, err := strconv.ParseUint(string(data[i+1:i+5]), 16, 16)
					if err == nil && !plainText(string(rune(v))) {
						return true
					}
					i += 4
				}
			}
		case c == '"':
			inString = !inString
		}
	}
	return false
}

func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
