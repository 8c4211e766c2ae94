package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"coldset/internal/cli"
	"coldset/internal/ledger"
	"coldset/internal/notify"
	"coldset/internal/store"
)

// notifyFlags configure escalation delivery: the mail server that e-mail goes
// through, and which addresses beyond the public ones webhooks may reach (each
// contact names its own URL and secret).
type notifyFlags struct {
	smtp         string
	from         string
	username     string
	webhookAllow string
	webhooks     notify.WebhookPolicy // webhookAllow, read by parse
}

func (f *notifyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.smtp, "smtp", os.Getenv("COLDSET_SMTP"), "mail server HOST:PORT for escalation e-mail (env COLDSET_SMTP; password in env COLDSET_SMTP_PASSWORD)")
	fs.StringVar(&f.from, "smtp-from", cli.EnvOr("COLDSET_SMTP_FROM", "coldset@localhost"), "sender address of escalation e-mail (env COLDSET_SMTP_FROM)")
	fs.StringVar(&f.username, "smtp-user", os.Getenv("COLDSET_SMTP_USER"), "mail server user name, if it wants one (env COLDSET_SMTP_USER)")
	fs.StringVar(&f.webhookAllow, "webhook-allow", os.Getenv("COLDSET_WEBHOOK_ALLOW"), "address ranges beyond the public ones that webhooks may reach, e.g. 10.0.0.0/8 for a chat server inside the studio (CIDR[,CIDR...]; env COLDSET_WEBHOOK_ALLOW)")
}

// parse reads the flags' values once they are set.
func (f *notifyFlags) parse() error {
	allow, err := notify.ParseWebhookAllow(f.webhookAllow)
	if err != nil {
		return fmt.Errorf("--webhook-allow: %w", err)
	}
	f.webhooks = notify.WebhookPolicy{Allow: allow}
	return nil
}

// startNotify starts the deadline scheduler, the outbox filler and the delivery
// workers; stop ends them. Without --smtp, e-mail rows wait in the outbox (retried
// with backoff) and a warning says so; webhooks go out regardless.
func startNotify(ctx context.Context, f *notifyFlags, lg *ledger.Ledger, st store.Backend, logger *slog.Logger) (stop func()) {
	logger = logger.With("component", "notify")
	cfg := notify.Config{Ledger: lg, Logs: st, Outbox: st, Logger: logger, Webhooks: f.webhooks}
	if f.smtp != "" {
		cfg.Mail = &notify.SMTP{Addr: f.smtp, From: f.from, Username: f.username, Password: os.Getenv("COLDSET_SMTP_PASSWORD")}
	} else {
		logger.Warn("no mail server configured (--smtp): escalation e-mail waits in the outbox until one is")
	}
	if len(f.webhooks.Allow) > 0 {
		logger.Info("webhooks may reach these addresses as well as public ones", "webhook-allow", f.webhooks.Allow)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := notify.Run(ctx, cfg); err != nil {
			logger.Error("escalation delivery is not running", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}
