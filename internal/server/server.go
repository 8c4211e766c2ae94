// Package server is coldset's HTTP server: the JSON API under /api/, health checks,
// and (later) the web pages. Handlers live in files by area; errors reach clients
// only through writeError.
package server

import (
	"log/slog"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/notify"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// Config is what the server runs on.
type Config struct {
	Ledger *ledger.Ledger
	// Store is the backend Ledger keeps its logs in. The server reads log sizes and
	// whole records from it, and keeps accounts (unless Accounts is set) and
	// contacts in it.
	Store  store.Backend
	Logger *slog.Logger
	// Accounts keeps accounts, sessions, API tokens and memberships; nil: Store.
	// The ledger must open its logs with production.NewFolder.
	Accounts auth.Store
	// Mail sends the links of the forgot-password form; nil: the form tells people
	// to ask their studio admin. It also needs PublicURL (web_password.go).
	Mail notify.Mailer
	// PublicURL is the address people open coldset at (https://coldset.example.org),
	// for the links it mails and shows; "": the address each request came to.
	PublicURL string
	// TrustProxy believes X-Forwarded-Proto from a reverse proxy in front: proxy.go.
	TrustProxy bool
	// Webhooks is where contacts' webhooks may point: the same policy the delivery
	// workers send with, so that a URL they would refuse is refused when it is set.
	Webhooks notify.WebhookPolicy
}

// Server answers coldset's HTTP requests. It is safe for concurrent use.
type Server struct {
	ledger *ledger.Ledger
	store  store.Backend // the ledger's: Config.Store
	log    *slog.Logger
	mux    *http.ServeMux
	api    api // accounts and the actions API: api.go
	web    web // the web pages: web.go

	handler http.Handler   // mux behind the security headers and the body check: security.go
	limiter *signInLimiter // sign-in lock-out: ratelimit.go

	pw         *passwords // password links and the forgot-password form: web_password.go
	trustProxy bool       // proxy.go
	webhooks   notify.WebhookPolicy
}

// New returns a server with its routes registered.
func New(cfg Config) *Server {
	s := &Server{ledger: cfg.Ledger, store: cfg.Store, log: cfg.Logger, mux: http.NewServeMux(), limiter: newSignInLimiter()}
	s.pw, s.trustProxy, s.webhooks = newPasswords(cfg), cfg.TrustProxy, cfg.Webhooks
	if s.log == nil {
		s.log = slog.Default()
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)

	s.mux.HandleFunc("GET /api/productions/{id}/checkpoint", s.ledgerReader(rules.ReadStatus, s.checkpoint))
	s.mux.HandleFunc("GET /api/productions/{id}/entries", s.ledgerReader(rules.ReadRecord, s.entries))
	s.mux.HandleFunc("GET /api/productions/{id}/proof/inclusion", s.ledgerReader(rules.ReadStatus, s.inclusionProof))
	s.mux.HandleFunc("GET /api/productions/{id}/proof/consistency", s.ledgerReader(rules.ReadStatus, s.consistencyProof))
	s.registerAPI(cfg)
	s.registerWeb()
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, notFound("no such API endpoint"))
	})
	s.handler = s.secure(s.mux)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
