package rules

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"sync"
	"time"
)

// zoneinfo is the IANA time zone database the rules fold days with, the one that
// ships with Go (lib/time/zoneinfo.zip), kept in the repository. time.LoadLocation
// would prefer the machine's own files, so two machines with different tzdata
// releases could put one event on different production days; a ledger must fold the
// same everywhere. A newer release is taken by replacing the file.
//
//go:embed zoneinfo/zoneinfo.zip
var zoneinfo []byte

var zones = sync.OnceValues(func() (map[string]*zip.File, error) {
	r, err := zip.NewReader(bytes.NewReader(zoneinfo), int64(len(zoneinfo)))
	if err != nil {
		return nil, fmt.Errorf("embedded zoneinfo: %w", err)
	}
	m := make(map[string]*zip.File, len(r.File))
	for _, f := range r.File {
		m[f.Name] = f
	}
	return m, nil
})

var (
	locMu sync.Mutex
	locs  = map[string]*time.Location{}
)

// Location returns the time zone name (an IANA name such as America/Denver) from the
// embedded database only, so that every machine answers alike. "UTC" is UTC; "Local"
// and names not in the database are an error.
func Location(name string) (*time.Location, error) {
	if name == "UTC" {
		return time.UTC, nil
	}
	locMu.Lock()
	defer locMu.Unlock()
	if l, ok := locs[name]; ok {
		return l, nil
	}
	m, err := zones()
	if err != nil {
		return nil, err
	}
	f, ok := m[name]
	if !ok || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	l, err := time.LoadLocationFromTZData(name, data)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	locs[name] = l
	return l, nil
}
