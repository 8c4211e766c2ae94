package rules

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLocation(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		offset int // seconds east of UTC on winter, when ok
		ok     bool
	}{
		{"America/Denver", -7 * 3600, true},
		{"Europe/Madrid", 3600, true},
		{"UTC", 0, true},
		{"Denver", 0, false},
		{"Local", 0, false},
		{"", 0, false},
		{"../../etc/passwd", 0, false},
	}
	for _, tt := range tests {
		loc, err := Location(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("Location(%q): %v, want ok %v", tt.name, err, tt.ok)
			continue
		}
		if tt.ok {
			if _, off := winter.In(loc).Zone(); off != tt.offset {
				t.Errorf("Location(%q): offset %d on %s, want %d", tt.name, off, winter.Format(time.DateOnly), tt.offset)
			}
		}
	}
}

// The rules read only the database they carry: a machine's own zone files (here, a
// ZONEINFO that says Denver keeps Tokyo's time) change what time.LoadLocation says,
// not what a production's days are.
func TestLocationIgnoresTheMachinesZoneFiles(t *testing.T) {
	tokyo, err := Location("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	zones, _ := zones()
	rc, err := zones["Asia/Tokyo"].Open()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	path := filepath.Join(t.TempDir(), "zoneinfo.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "America/Denver", Method: zip.Store})
	w.Write(data)
	zw.Close()
	f.Close()
	t.Setenv("ZONEINFO", path)

	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	if machine, err := time.LoadLocation("America/Denver"); err != nil || at.In(machine).Format("15:04") != at.In(tokyo).Format("15:04") {
		t.Skipf("time.LoadLocation does not read ZONEINFO here (%v); nothing to compare", err)
	}
	denver, err := Location("America/Denver")
	if err != nil {
		t.Fatal(err)
	}
	if got := at.In(denver).Format("15:04"); got != "05:00" {
		t.Errorf("Denver at 12:00 UTC is %s by the rules, want 05:00 from the embedded database", got)
	}
}
