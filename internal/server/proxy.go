package server

import (
	"context"
	"net/http"
	"strings"
)

// Behind a reverse proxy that terminates TLS, coldset sees plain HTTP: it would build
// http:// addresses (QR codes, posters, password links) and leave cookies without
// the Secure flag. With Config.TrustProxy (coldset serve --trust-proxy) the proxy's
// X-Forwarded-Proto is believed instead, for those and for Strict-Transport-
// Security. Off by default: without a proxy that sets the header itself, any client
// could send it. Only the scheme is taken from the proxy; the host is the request's
// Host, which proxies pass on, and the client's address is never read from a header
// (the sign-in limits count the proxy's address: see SECURITY.md).

type httpsKey struct{}

// forwarded marks r as having reached the proxy over HTTPS when the server trusts a
// proxy and the proxy says so. The last value counts: a proxy that appends to the
// header rather than replacing it puts its own after whatever the client sent.
func (s *Server) forwarded(r *http.Request) *http.Request {
	if !s.trustProxy || r.TLS != nil {
		return r
	}
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return r
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	if !strings.EqualFold(strings.TrimSpace(last), "https") {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
}

// isHTTPS reports whether the browser reached coldset over HTTPS: the connection
// is TLS, or a trusted proxy said so (forwarded).
func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Context().Value(httpsKey{}) == true
}
