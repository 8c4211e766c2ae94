package store

import "errors"

// Backend is one database holding everything coldset keeps: the production logs
// and their checkpoints, accounts, the outbox, and witness cosignatures. Both
// backends (sqlite/, postgres/) implement it whole; a deployment opens one and
// hands each part to what uses it. Close closes all of it.
type Backend interface {
	Store
	Accounts
	Outbox
	Cosignatures
}

// Conditions of the deployment rather than bugs: a backend wraps the driver error
// that shows one with the matching sentinel (errors.Is finds it; the message stays
// the driver's), so that callers can answer "try again later" without knowing the
// driver.
var (
	// ErrUnavailable: the database is not answering (down, restarting, unreachable,
	// read-only, locked beyond waiting). Retrying later may succeed; nothing was
	// acknowledged.
	ErrUnavailable = errors.New("storage unavailable")
	// ErrDiskFull: the database has no room to write. Reads still work; writes
	// succeed again once space is freed, without a restart.
	ErrDiskFull = errors.New("disk full")
)

// Fault returns err marked as the condition kind (ErrUnavailable or ErrDiskFull):
// errors.Is(result, kind) holds, errors.Is and errors.As still find everything err
// wraps, and the message is err's. A nil err stays nil.
func Fault(kind, err error) error {
	if err == nil {
		return nil
	}
	return &faultError{kind: kind, err: err}
}

type faultError struct{ kind, err error }

func (e *faultError) Error() string   { return e.err.Error() }
func (e *faultError) Unwrap() []error { return []error{e.kind, e.err} }
