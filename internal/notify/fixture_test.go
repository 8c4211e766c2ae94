package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/notify"
	"coldset/internal/production"
	"coldset/internal/rules"
	"coldset/internal/store"
)

// t0 is 08:00 in America/Denver, when the tests' concerns are filed.
var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// crew is the people of every test production: a safety officer, two producers, the
// camera department (its head and a camera operator, who reports), an armorer and a
// first AD.
var crew = []map[string]any{
	{"id": "sol", "name": "Sol Park", "roles": []string{"safety_officer"}},
	{"id": "pia", "name": "Pia Moss", "roles": []string{"producer"}},
	{"id": "max", "name": "Max Roy", "roles": []string{"producer"}},
	{"id": "raf", "name": "Raf Ortiz", "roles": []string{"camera"}, "department": "camera", "department_head": true},
	{"id": "cam", "name": "Cy Amar", "roles": []string{"camera"}, "department": "camera"},
	{"id": "ana", "name": "Ana Ruiz", "roles": []string{"armorer"}, "certified_until": "2027-01-01"},
	{"id": "dan", "name": "Dan Cole", "roles": []string{"first_ad"}},
}

// openLedger returns a ledger over st whose logs are productions.
func openLedger(t *testing.T, st store.Store, keyDir string) *ledger.Ledger {
	t.Helper()
	signer, err := ledger.LoadOrCreateKey(filepath.Join(keyDir, "coldset.key"))
	if err != nil {
		t.Fatal(err)
	}
	lg := ledger.New(st, signer, production.NewFolder)
	t.Cleanup(func() { lg.Close() })
	return lg
}

func openProduction(t *testing.T, lg *ledger.Ledger, id string) *production.Production {
	t.Helper()
	l, err := lg.Log(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := production.FromLog(l)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// act does one action and fails the test unless it is accepted.
func act(t *testing.T, p *production.Production, by rules.Actor, do string, with any, at time.Time) rules.Result {
	t.Helper()
	b, err := json.Marshal(with)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(context.Background(), by, rules.Command{Do: do, With: b}, at)
	if err != nil {
		t.Fatalf("%s: %v", do, err)
	}
	if res.Outcome != rules.OK {
		t.Fatalf("%s %s: refused %s: %s", do, b, res.Rule, res.Message)
	}
	return res
}

// createProduction records production id with the crew, at t0 less an hour.
func createProduction(t *testing.T, p *production.Production) {
	t.Helper()
	at := t0.Add(-time.Hour)
	act(t, p, rules.Actor{}, "production.create", map[string]any{"id": p.ID(), "name": "Dry Creek " + p.ID(), "timezone": "America/Denver"}, at)
	for _, person := range crew {
		act(t, p, rules.Actor{}, "person.add", person, at)
	}
}

// fileConcern files a concern as cam, the camera operator, or anonymously.
func fileConcern(t *testing.T, p *production.Production, id, severity string, anonymous bool, at time.Time) {
	t.Helper()
	by := rules.Actor{Person: "cam"}
	if anonymous {
		by = rules.Actor{Anonymous: true, Receipt: "receipt-" + id}
	}
	act(t, p, by, "concern.file", map[string]any{"id": id, "category": "equipment", "severity": severity,
		"text": "the camera car's brakes fail on the downhill run, concern " + id}, at)
}

func setContacts(t *testing.T, ob notify.Store, production string, cs []notify.Contact) {
	t.Helper()
	if err := ob.SetContacts(context.Background(), production, cs); err != nil {
		t.Fatal(err)
	}
}

// escalations maps "concern level N" to the sorted receivers of that escalation,
// and lists the delivery ids received more than once.
func escalations(msgs []received) (got map[string][]string, repeats []string) {
	got = map[string][]string{}
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m.Delivery] {
			repeats = append(repeats, m.Delivery)
		}
		seen[m.Delivery] = true
		if m.Level > 0 {
			k := fmt.Sprintf("%s level %d", m.Concern, m.Level)
			got[k] = append(got[k], m.To)
		}
	}
	for _, v := range got {
		sort.Strings(v)
	}
	return got, repeats
}

// waitFor polls until cond holds, failing the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameReceivers reports whether got has exactly the receivers of want for key.
func sameReceivers(got map[string][]string, key string, want []string) bool {
	w := slices.Clone(want)
	sort.Strings(w)
	return slices.Equal(got[key], w)
}

func describe(got map[string][]string) string {
	var lines []string
	for k, v := range got {
		lines = append(lines, k+": "+strings.Join(v, ", "))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
