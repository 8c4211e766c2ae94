package witness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"coldset/internal/ledger"
)

// send gives one witness the checkpoint of head with a consistency proof from the size
// it last cosigned, and keeps its cosignature. When the witness answers that it last
// cosigned another size (it lost its state, or another process of the deployment fed
// it), send tries once more with a proof from that size.
func (f *Feeder) send(ctx context.Context, l *ledger.Log, h ledger.Head, w Witness, st *logState) error {
	production := l.Production()
	old := st.cosigned[w.Name()]
	for attempt := 0; ; attempt++ {
		if old > h.Size {
			// Not behind any more as far as this witness goes, until the log grows
			// past what it holds; then the proof decides.
			st.cosigned[w.Name()] = old
			return fmt.Errorf("witness %s holds %s at size %d, beyond the log's %d: another process is ahead, or the log lost entries",
				w.Name(), production, old, h.Size)
		}
		proof, err := l.ConsistencyProof(old, h.Size)
		if err != nil {
			return fmt.Errorf("witness %s: %w", w.Name(), err)
		}
		sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
		cosigned, err := w.AddCheckpoint(sendCtx, f.client(), old, proof, h.Checkpoint)
		cancel()
		var stale *StaleError
		if errors.As(err, &stale) && attempt == 0 {
			old = stale.Size
			continue
		}
		if errors.Is(err, ErrInconsistent) {
			f.logger().Error("a witness refuses the log's checkpoint as inconsistent with one it cosigned: the history it saw was rewritten",
				"production", production, "witness", w.Name(), "old", old, "size", h.Size)
		}
		if err != nil {
			return fmt.Errorf("witness %s, %s at size %d: %w", w.Name(), production, h.Size, err)
		}
		c := Cosignature{Production: production, Witness: w.Name(), Size: h.Size, Note: cosigned}
		if err := f.Store.AddCosignature(ctx, c); err != nil {
			return fmt.Errorf("witness %s: keep cosignature of %s at %d: %w", w.Name(), production, h.Size, err)
		}
		st.cosigned[w.Name()] = h.Size
		f.logger().Debug("witness cosigned", "production", production, "witness", w.Name(), "size", h.Size)
		return nil
	}
}

func (f *Feeder) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Feeder) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}

func (f *Feeder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Feeder) interval() time.Duration {
	if f.Interval > 0 {
		return f.Interval
	}
	return DefaultInterval
}
