package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/notify"
	"coldset/internal/production"
	"coldset/internal/server"
)

// runServe runs the HTTP server until interrupted. It creates the deployment key on
// first start and prints "listening on ADDR" to stderr once it accepts connections.
func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf cli.StoreFlags
	sf.Register(fs)
	var wf witnessFlags
	wf.register(fs)
	var nf notifyFlags
	nf.register(fs)
	addr := fs.String("addr", cli.EnvOr("COLDSET_ADDR", "127.0.0.1:8080"), "listen address; port 0 picks a free port (env COLDSET_ADDR)")
	tlsCert := fs.String("tls-cert", cli.EnvOr("COLDSET_TLS_CERT", ""), "serve HTTPS with this PEM certificate (chain) file; needs --tls-key (env COLDSET_TLS_CERT)")
	tlsKey := fs.String("tls-key", cli.EnvOr("COLDSET_TLS_KEY", ""), "the PEM private key of --tls-cert (env COLDSET_TLS_KEY)")
	publicURL := fs.String("url", cli.EnvOr("COLDSET_URL", ""), "the address people open coldset at, e.g. https://coldset.example.org, for the password links it mails and shows (env COLDSET_URL)")
	trustProxy := fs.Bool("trust-proxy", os.Getenv("COLDSET_TRUST_PROXY") != "", "behind a reverse proxy that sets X-Forwarded-Proto: believe it for Secure cookies, HSTS and the addresses coldset builds (env COLDSET_TRUST_PROXY)")
	demoFlag := fs.Bool("demo", false, "create the demo production dry-creek if absent, with a sign-in for every role, printed on start")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: coldset serve [--db FILE | --postgres URL] [--key FILE] [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--url URL] [--trust-proxy] [--webhook-allow CIDR,...] [--witness URL=VERIFIERKEY ...] [--demo]")
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(fs.Output(), "  --%s\t%s\n", f.Name, f.Usage)
		})
	}
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if err := nf.parse(); err != nil {
		return cli.UsageError(fs, "%v", err)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return cli.UsageError(fs, "--tls-cert and --tls-key go together")
	}
	if *publicURL != "" {
		if u, err := url.Parse(*publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return cli.UsageError(fs, "--url must be an http or https address with no path, like https://coldset.example.org")
		}
	}
	var tlsConfig *tls.Config // nil: plain HTTP
	if *tlsCert != "" {
		var err error
		if tlsConfig, err = server.TLSConfig(*tlsCert, *tlsKey); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	st, signer, err := sf.OpenWithKey(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	lg := ledger.New(st, signer, production.NewFolder)
	defer lg.Close()
	stopWitnesses, err := startWitnesses(ctx, &wf, lg, st, logger)
	if err != nil {
		return err
	}
	defer stopWitnesses()
	defer startNotify(ctx, &nf, lg, st, logger)()
	if *demoFlag {
		if err := seedDemo(ctx, lg, st, os.Stderr); err != nil {
			return err
		}
	}

	cfg := server.Config{Ledger: lg, Store: st, Logger: logger, PublicURL: *publicURL, TrustProxy: *trustProxy,
		Webhooks: nf.webhooks}
	if nf.smtp != "" {
		cfg.Mail = &notify.SMTP{Addr: nf.smtp, From: nf.from, Username: nf.username, Password: os.Getenv("COLDSET_SMTP_PASSWORD")}
		if *publicURL == "" {
			logger.Warn("the forgot-password form mails no links without --url: it tells people to ask their studio admin")
		}
	}
	srv := server.New(cfg).HTTPServer(server.DefaultTimeouts)
	srv.TLSConfig = tlsConfig
	srv.ErrorLog = server.ErrorLog(os.Stderr) // net/http's own messages, without client addresses
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if srv.TLSConfig != nil {
		logger.Info("serving HTTPS only", "cert", *tlsCert)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
