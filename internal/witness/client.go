package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The answers of a witness that refuses a checkpoint (tlog-witness, "add-checkpoint").
var (
	// ErrUnknownLog: the witness is not configured for the checkpoint's origin (404).
	ErrUnknownLog = errors.New("the witness does not know this log")
	// ErrBadSignature: the checkpoint is not signed by the key the witness holds for
	// the log (403).
	ErrBadSignature = errors.New("the witness does not accept the log's signature")
	// ErrInconsistent: the consistency proof does not prove that the checkpoint
	// extends the one the witness cosigned last, or the checkpoint has that size and
	// another root (422). Either the log was rewritten, or someone showed the witness
	// a different history.
	ErrInconsistent = errors.New("the witness finds the checkpoint inconsistent with the one it cosigned")
	// ErrBadRequest: the witness could not read the request, or the old size is
	// larger than the checkpoint's (400).
	ErrBadRequest = errors.New("the witness rejected the request as malformed")
)

// StaleError is the witness's answer when the old size sent is not the size it last
// cosigned for the log (409): Size is that size. The caller sends again with a proof
// from it.
type StaleError struct{ Size uint64 }

func (e *StaleError) Error() string {
	return fmt.Sprintf("the witness last cosigned size %d", e.Size)
}

// maxResponse bounds what is read from a witness: a few signature lines.
const maxResponse = 64 << 10

// AddCheckpoint sends a signed checkpoint to the witness with the consistency proof
// from oldSize, the size the witness last cosigned (0, with an empty proof, for a
// witness that has never cosigned the log). It returns the cosigned note: the
// checkpoint followed by the witness's signature lines, of which at least one has
// been verified with the witness's key.
func (w Witness) AddCheckpoint(ctx context.Context, hc *http.Client, oldSize uint64, proof [][]byte, checkpoint []byte) ([]byte, error) {
	var body bytes.Buffer
	fmt.Fprintf(&body, "old %d\n", oldSize)
	for _, h := range proof {
		body.WriteString(base64.StdEncoding.EncodeToString(h))
		body.WriteByte('\n')
	}
	body.WriteByte('\n')
	body.Write(checkpoint)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL+"/add-checkpoint", &body)
	if err != nil {
		return nil, fmt.Errorf("add-checkpoint to %s: %w", w.URL, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("add-checkpoint to %s: %w", w.URL, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("add-checkpoint to %s: read answer: %w", w.URL, err)
	}
	if err := refusal(resp.StatusCode, answer); err != nil {
		return nil, fmt.Errorf("add-checkpoint to %s: %w", w.URL, err)
	}
	cosigned, err := w.attach(checkpoint, answer)
	if err != nil {
		return nil, fmt.Errorf("add-checkpoint to %s: %w", w.URL, err)
	}
	return cosigned, nil
}

// refusal maps a witness's status code to an error, or nil for 200.
func refusal(status int, answer []byte) error {
	switch status {
	case http.StatusOK:
		return nil
	case http.StatusConflict:
		size, err := strconv.ParseUint(strings.TrimSpace(string(answer)), 10, 64)
		if err != nil {
			return fmt.Errorf("409 without a size: %q", answer)
		}
		return &StaleError{Size: size}
	case http.StatusNotFound:
		return ErrUnknownLog
	case http.StatusForbidden:
		return ErrBadSignature
	case http.StatusUnprocessableEntity:
		return ErrInconsistent
	case http.StatusBadRequest:
		return ErrBadRequest
	default:
		return fmt.Errorf("status %d: %s", status, bytes.TrimSpace(answer))
	}
}

// attach appends the witness's signature lines to the signed checkpoint and checks
// that the witness's key signed it.
func (w Witness) attach(checkpoint, lines []byte) ([]byte, error) {
	if len(lines) == 0 || lines[len(lines)-1] != '\n' {
		return nil, fmt.Errorf("answer is not signature lines: %q", lines)
	}
	cosigned := append(append([]byte(nil), checkpoint...), lines...)
	if _, err := VerifyCosignature(cosigned, w.Verifier); err != nil {
		return nil, err
	}
	return cosigned, nil
}
