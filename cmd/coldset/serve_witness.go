package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/witness"
)

// witnessFlags configures the deployment's witnesses: --witness URL=VERIFIERKEY,
// repeatable, or else COLDSET_WITNESSES (the same, separated by spaces or commas).
type witnessFlags struct {
	list []witness.Witness
}

func (f *witnessFlags) register(fs *flag.FlagSet) {
	fs.Func("witness", "a witness to send checkpoints to, as URL=VERIFIERKEY (repeatable; env COLDSET_WITNESSES)",
		func(s string) error {
			w, err := witness.Parse(s)
			if err != nil {
				return err
			}
			f.list = append(f.list, w)
			return nil
		})
}

// witnesses returns the witnesses of the flags, or of COLDSET_WITNESSES when no flag
// names one.
func (f *witnessFlags) witnesses() ([]witness.Witness, error) {
	if len(f.list) == 0 {
		return witness.ParseList(os.Getenv("COLDSET_WITNESSES"))
	}
	return f.list, witness.CheckNames(f.list)
}

// startWitnesses starts feeding checkpoints to the configured witnesses, if any. The
// returned stop ends the feeder and waits for it; call it before closing the ledger.
func startWitnesses(ctx context.Context, f *witnessFlags, lg *ledger.Ledger, cs witness.Store, logger *slog.Logger) (stop func(), err error) {
	ws, err := f.witnesses()
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return func() {}, nil
	}
	feeder := &witness.Feeder{
		Ledger:    lg,
		Store:     cs,
		Witnesses: ws,
		Client:    &http.Client{Timeout: 30 * time.Second},
		Logger:    logger.With("component", "witness"),
	}
	for _, w := range ws {
		logger.Info("sending checkpoints to witness", "witness", w.Name(), "url", w.URL)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		feeder.Run(ctx)
	}()
	return func() { cancel(); <-done }, nil
}
