package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coldset/internal/auth"
	"coldset/internal/cli"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store/sqlite"
)

// newProductionDB makes a database holding production dry-creek with person ana, its
// key beside it, as `coldset serve --db` keeps them.
func newProductionDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "coldset.db")
	st, signer, err := (&cli.StoreFlags{DB: db}).OpenWithKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := production.Open(ctx, st, signer, "dry-creek")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		do   string
		with map[string]any
	}{
		{"production.create", map[string]any{"id": "dry-creek", "name": "Dry Creek", "timezone": "America/Denver"}},
		{"person.add", map[string]any{"id": "ana", "name": "Ana", "roles": []string{"armorer"}}},
	} {
		with, _ := json.Marshal(c.with)
		res, err := p.Do(ctx, rules.Actor{}, rules.Command{Do: c.do, With: with}, now)
		if err != nil || res.Outcome != rules.OK {
			t.Fatalf("%s: %v %+v", c.do, err, res)
		}
	}
	return db
}

func TestUserAndTokenCommands(t *testing.T) {
	ctx := context.Background()
	db := newProductionDB(t)
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		var err error
		if args[0] == "token" {
			err = token(ctx, append(args[1:], "--db", db), &out)
		} else {
			err = user(ctx, append(args[1:], "--db", db), strings.NewReader(stdin), &out)
		}
		return out.String(), err
	}

	if _, err := run("a long password\n", "user", "add", "--email", "Ana@Crew.test", "--password-stdin"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	if _, err := run("another password\n", "user", "add", "--email", "ana@crew.test", "--password-stdin"); err == nil {
		t.Errorf("user add of an existing account succeeded")
	}
	if _, err := run("", "user", "add", "--email", "zed@crew.test", "--password-stdin"); err == nil {
		t.Errorf("user add with an empty standard input succeeded")
	}
	if _, err := run("", "user", "grant", "--email", "ana@crew.test", "--production", "dry-creek", "--person", "kim"); err == nil {
		t.Errorf("grant of a person not on the production succeeded")
	}
	if _, err := run("", "user", "grant", "--email", "ana@crew.test", "--production", "dry-creek", "--person", "ana"); err != nil {
		t.Fatalf("user grant: %v", err)
	}
	out, err := run("", "user", "list")
	if err != nil {
		t.Fatalf("user list: %v", err)
	}
	if !strings.Contains(out, "ana@crew.test") || !strings.Contains(out, "dry-creek:ana") {
		t.Errorf("user list printed:\n%s", out)
	}
	out, err = run("", "token", "create", "--email", "ana@crew.test")
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	secret := strings.TrimSpace(out)

	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := auth.Authenticate(ctx, st, auth.KindToken, secret, time.Now())
	if err != nil || a.Email != "ana@crew.test" {
		t.Errorf("the printed token authenticates as %+v, %v", a, err)
	}
	if _, err := auth.SignIn(ctx, st, "ana@crew.test", "a long password"); err != nil {
		t.Errorf("sign in with the password from standard input: %v", err)
	}
}

func TestUserUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"remove"}, {"add", "--email", "x@y.z"}} {
		err := user(context.Background(), args, strings.NewReader(""), &bytes.Buffer{})
		if ee, ok := err.(cli.ExitError); !ok || ee.Code != 2 {
			t.Errorf("user %v: err = %v, want exit status 2", args, err)
		}
	}
}
