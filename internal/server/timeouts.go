package server

import (
	"net/http"
	"time"
)

// Timeouts bound how long one client may hold a connection, so that clients that
// send a request slowly, or keep connections open and idle, cannot use up the
// server's. The live-update stream (web_events.go) lifts them for itself: it is
// meant to stay open, and moves its own write deadline on with every write.
type Timeouts struct {
	ReadHeader time.Duration // the request line and headers
	Read       time.Duration // the whole request, body included
	Write      time.Duration // the answer, counted from the end of the request's headers
	Idle       time.Duration // between requests on a kept-alive connection
}

// DefaultTimeouts suit phones on a weak signal: the largest body taken (64 KiB) at
// 10 kbit/s arrives within the minute.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: time.Minute, Write: 2 * time.Minute, Idle: 2 * time.Minute}

// HTTPServer returns an http.Server that serves s within t. The caller adds TLS and
// the error log.
func (s *Server) HTTPServer(t Timeouts) *http.Server {
	return &http.Server{Handler: s, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
}
