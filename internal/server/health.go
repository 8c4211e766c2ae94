package server

import (
	"context"
	"net/http"
	"time"
)

// healthz answers while the process serves HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 only while the store answers, so a load balancer stops sending
// appends to a process cut off from its database.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.Size(ctx, ""); err != nil {
		s.log.Warn("not ready", "err", err)
		s.writeError(w, r, &apiError{kind: kindUnavailable, detail: "store is not answering"})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
}
