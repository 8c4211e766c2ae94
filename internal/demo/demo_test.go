package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/ledger"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	signer, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "coldset.key"))
	if err != nil {
		t.Fatal(err)
	}
	lg := ledger.New(st, signer, production.NewFolder)
	t.Cleanup(func() { lg.Close() })
	accounts := st
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

	logins, err := Seed(ctx, lg, accounts, Options{Now: now, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(logins), len(Cast)+1; got != want {
		t.Errorf("%d sign-ins, want %d (the cast and the studio admin)", got, want)
	}
	size, err := st.Size(ctx, Production)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every sign-in works and acts as its person", func(t *testing.T) {
		for _, l := range logins {
			a, err := auth.SignIn(ctx, accounts, l.Email, l.Password)
			if err != nil {
				t.Fatalf("%s: %v", l.Email, err)
			}
			ms, err := accounts.Memberships(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case l.Person == "" && !a.Admin:
				t.Errorf("%s is not a studio admin", l.Email)
			case l.Person != "" && (len(ms) != 1 || ms[0].Person != l.Person):
				t.Errorf("%s acts as %v, want %s", l.Email, ms, l.Person)
			}
		}
	})
	t.Run("the past days were by the book", func(t *testing.T) {
		l, err := lg.Log(ctx, Production)
		if err != nil {
			t.Fatal(err)
		}
		p, err := production.FromLog(l)
		if err != nil {
			t.Fatal(err)
		}
		var ov rules.Overview
		p.View(func(s *rules.State) { ov = s.Overview() })
		if ov.Risk.Level != rules.Green || len(ov.Holds) != 0 || len(ov.Lots) != 6 || len(ov.Firearms) != 1 {
			t.Errorf("risk %v, holds %v, %d lots, %d firearms; want green, none, 6, 1", ov.Risk, ov.Holds, len(ov.Lots), len(ov.Firearms))
		}
	})
	t.Run("seeding again changes nothing", func(t *testing.T) {
		if _, err := Seed(ctx, lg, accounts, Options{Now: now.Add(time.Hour), Days: 3}); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.Size(ctx, Production); again != size {
			t.Errorf("size %d after seeding again, want %d", again, size)
		}
	})
}
