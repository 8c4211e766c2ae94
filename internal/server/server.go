// Package server is coldset's HTTP server: the JSON API under /api/, health checks,
// and (later) the web pages. Handlers live in files by area; errors reach clients
// only through writeError.
package server

import (
	"log/slog"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/ledger"
)

// Config is what the server runs on.
type Config struct {
	Ledger *ledger.Ledger
	Logger *slog.Logger
	// BenchAppend enables POST /api/bench/append, which appends synthetic entries to
	// productions named bench*. It is a benchmarking and crash-testing aid, off by
	// default, and must never be enabled on a deployment that keeps real records.
	BenchAppend bool
	// Accounts keeps accounts, sessions, API tokens and memberships; nil means the
	// ledger's store, which must then implement auth.Store (both backends do). The
	// ledger must open its logs with Folders.
	Accounts auth.Store
}

// Server answers coldset's HTTP requests. It is safe for concurrent use.
type Server struct {
	ledger *ledger.Ledger
	log    *slog.Logger
	mux    *http.ServeMux
	api    api // accounts and the actions API: api.go
	web    web // the web pages: web.go

	handler   http.Handler   // mux behind the security headers and the body check: security.go
	limiter   *signInLimiter // sign-in lock-out: ratelimit.go
	benchLogs bool           // bench* logs are synthetic and readable without a session
}

// New returns a server with its routes registered.
func New(cfg Config) *Server {
	s := &Server{ledger: cfg.Ledger, log: cfg.Logger, mux: http.NewServeMux(), limiter: newSignInLimiter(), benchLogs: cfg.BenchAppend}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)

	s.mux.HandleFunc("GET /api/productions/{id}/checkpoint", s.ledgerReader(s.checkpoint))
	s.mux.HandleFunc("GET /api/productions/{id}/entries", s.ledgerReader(s.entries))
	s.mux.HandleFunc("GET /api/productions/{id}/proof/inclusion", s.ledgerReader(s.inclusionProof))
	s.mux.HandleFunc("GET /api/productions/{id}/proof/consistency", s.ledgerReader(s.consistencyProof))
	if cfg.BenchAppend {
		s.mux.HandleFunc("POST /api/bench/append", s.benchAppend)
	}
	s.registerAPI(cfg)
	s.registerWeb()
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, notFound("no such API endpoint"))
	})
	s.handler = s.secure(s.mux)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
