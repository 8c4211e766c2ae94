package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"coldset/internal/notify"
)

func TestContactsWhoMaySetThem(t *testing.T) {
	ta := newTestAPI(t)
	tokens := ta.dryCreek()
	body := map[string]any{"contacts": []map[string]any{
		{"id": "sol", "person": "sol", "email": "sol@crew.test"},
		{"id": "union", "role": "union_safety_representative", "webhook_url": "https://union.test/hook", "webhook_secret": "0123456789abcdef"},
	}}
	for _, tc := range []struct {
		name   string
		who    string
		status int
	}{
		{"safety officer sets them", "sol", http.StatusOK},
		{"producer sets them", "pia", http.StatusOK},
		{"studio admin sets them", "admin", http.StatusOK},
		{"armorer may not", "ana", http.StatusForbidden},
		{"actor may not", "kim", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta.call(tokens[tc.who], "PUT", "/api/productions/dry-creek/contacts", body).must(t, tc.status)
			ta.call(tokens[tc.who], "GET", "/api/productions/dry-creek/contacts", nil).must(t, tc.status)
			ta.call(tokens[tc.who], "GET", "/api/productions/dry-creek/deliveries", nil).must(t, tc.status)
		})
	}
}

func TestContactsSecretIsNeverShownAndKept(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()["sol"]
	hook := map[string]any{"id": "union", "role": "union_safety_representative", "webhook_url": "https://union.test/hook", "webhook_secret": "0123456789abcdef"}
	got := ta.call(tok, "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{hook}}).must(t, http.StatusOK)
	if strings.Contains(string(got.body), "0123456789abcdef") || !strings.Contains(string(got.body), `"webhook_secret_set":true`) {
		t.Fatalf("PUT answered %s, want the secret hidden and marked set", got.body)
	}
	delete(hook, "webhook_secret") // read, edit, put back: the stored secret stays
	hook["name"] = "Local 44 safety"
	ta.call(tok, "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{hook}}).must(t, http.StatusOK)
	hook["webhook_url"] = "https://elsewhere.test/hook" // a new URL needs its secret again
	r := ta.call(tok, "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{hook}}).must(t, http.StatusUnprocessableEntity)
	if f := r.json(t)["field"]; f != "contacts[0].webhook_secret" {
		t.Fatalf("field %v, want contacts[0].webhook_secret", f)
	}
}

func TestContactsRefusedWithTheField(t *testing.T) {
	ta := newTestAPI(t)
	tok := ta.dryCreek()["sol"]
	for _, tc := range []struct {
		name    string
		contact map[string]any
		field   string
	}{
		{"person not on the production", map[string]any{"id": "x", "person": "zed", "email": "z@crew.test"}, "contacts[0].person"},
		{"neither person nor role", map[string]any{"id": "x", "email": "z@crew.test"}, "contacts[0].person"},
		{"unknown role", map[string]any{"id": "x", "role": "mayor", "email": "z@crew.test"}, "contacts[0].role"},
		{"no way to reach them", map[string]any{"id": "x", "person": "sol"}, "contacts[0].email"},
		{"not an e-mail address", map[string]any{"id": "x", "person": "sol", "email": "Sol <sol@crew.test>"}, "contacts[0].email"},
		{"webhook without a secret", map[string]any{"id": "x", "role": "witness", "webhook_url": "https://w.test/"}, "contacts[0].webhook_secret"},
		{"webhook that is not http", map[string]any{"id": "x", "role": "witness", "webhook_url": "ftp://w.test/", "webhook_secret": "0123456789abcdef"}, "contacts[0].webhook_url"},
		{"bad id", map[string]any{"id": "", "person": "sol", "email": "sol@crew.test"}, "contacts[0].id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ta.call(tok, "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{tc.contact}}).must(t, http.StatusUnprocessableEntity)
			if f := r.json(t)["field"]; f != tc.field {
				t.Fatalf("field %v, want %s; body %s", f, tc.field, r.body)
			}
		})
	}
}

func TestDeliveriesShowEveryMessage(t *testing.T) {
	ta := newTestAPI(t)
	tokens := ta.dryCreek()
	ta.call(tokens["sol"], "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{
		map[string]any{"id": "sol", "person": "sol", "email": "sol@crew.test"},
	}}).must(t, http.StatusOK)
	ta.action(tokens["kim"], "concern.file", map[string]any{"id": "c1", "category": "equipment", "severity": "high", "text": "frayed rigging"}).must(t, http.StatusOK)
	ob := ta.st
	if _, err := notify.NewFiller(ta.st, ob, ta.clock).FillAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Deliveries []struct {
			Event, Contact, Channel, Address, Status, Subject string
		}
	}
	decode(t, ta.call(tokens["sol"], "GET", "/api/productions/dry-creek/deliveries", nil).must(t, http.StatusOK).body, &got)
	if len(got.Deliveries) != 1 {
		t.Fatalf("deliveries %+v, want one", got.Deliveries)
	}
	d := got.Deliveries[0]
	if d.Event != "escalation" || d.Contact != "sol" || d.Channel != "email" || d.Address != "sol@crew.test" || d.Status != "pending" || !strings.Contains(d.Subject, "c1") {
		t.Fatalf("delivery %+v", d)
	}
}

func TestContactsWebhookAddress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		url    string
		allow  string // --webhook-allow
		status int
		detail string // a few words of the refusal
	}{
		{"loopback address", "http://127.0.0.1/", "", http.StatusUnprocessableEntity, "not a public address"},
		{"IPv6 loopback", "http://[::1]/", "", http.StatusUnprocessableEntity, "not a public address"},
		{"cloud metadata service", "http://169.254.169.254/latest/meta-data/", "", http.StatusUnprocessableEntity, "not a public address"},
		{"studio network", "http://10.0.0.5/hook", "", http.StatusUnprocessableEntity, "not a public address"},
		{"not http", "ftp://x", "", http.StatusUnprocessableEntity, "http or https"},
		{"user name and password", "http://user:pw@hooks.union.test/", "", http.StatusUnprocessableEntity, "user name or password"},
		{"public host name", "https://hooks.union.test/hook", "", http.StatusOK, ""},
		{"studio network the deployment allows", "http://10.0.0.5/hook", "10.0.0.0/8", http.StatusOK, ""},
		{"loopback when only the studio network is allowed", "http://127.0.0.1/", "10.0.0.0/8", http.StatusUnprocessableEntity, "not a public address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestAPIAllowing(t, tc.allow)
			tok := ta.dryCreek()["sol"]
			hook := map[string]any{"id": "union", "role": "union_safety_representative", "webhook_url": tc.url, "webhook_secret": "0123456789abcdef"}
			r := ta.call(tok, "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{hook}}).must(t, tc.status)
			if tc.status == http.StatusOK {
				return
			}
			p := r.json(t)
			if detail, _ := p["detail"].(string); p["field"] != "contacts[0].webhook_url" || !strings.Contains(detail, tc.detail) {
				t.Fatalf("field %v, detail %v; want contacts[0].webhook_url and %q", p["field"], p["detail"], tc.detail)
			}
		})
	}
}

// The deliveries show why an attempt failed in a few plain words, never what the
// receiver answered: that could be a service inside the studio nobody should read.
func TestDeliveriesShowAPlainReason(t *testing.T) {
	const secret = "db-password-hunter2"
	for _, tc := range []struct {
		name     string
		host     string // the receiver listens on 127.0.0.1; this is how the URL names it
		allow    string // --webhook-allow
		received int32
		want     string
	}{
		{"receiver answers 500 with text", "127.0.0.1", "127.0.0.0/8", 1, "the address answered 500"},
		{"receiver on the server's own machine, not allowed", "localhost", "", 0, "the address is not a public one; ask the studio admin to allow it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got atomic.Int32
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.Add(1)
				http.Error(w, "internal: "+secret, http.StatusInternalServerError)
			}))
			defer hook.Close()
			_, port, _ := net.SplitHostPort(hook.Listener.Addr().String())
			ta := newTestAPIAllowing(t, tc.allow)
			tokens := ta.dryCreek()
			ta.call(tokens["sol"], "PUT", "/api/productions/dry-creek/contacts", map[string]any{"contacts": []any{
				map[string]any{"id": "sol", "person": "sol", "webhook_url": "http://" + net.JoinHostPort(tc.host, port) + "/hook", "webhook_secret": "0123456789abcdef"},
			}}).must(t, http.StatusOK)
			ta.action(tokens["kim"], "concern.file", map[string]any{"id": "c1", "category": "equipment", "severity": "high", "text": "frayed rigging"}).must(t, http.StatusOK)
			ta.deliverWebhooks(t, tc.allow)

			r := ta.call(tokens["sol"], "GET", "/api/productions/dry-creek/deliveries", nil).must(t, http.StatusOK)
			var ds struct {
				Deliveries []struct {
					Status   string
					Attempts []notify.Attempt
				}
			}
			decode(t, r.body, &ds)
			if len(ds.Deliveries) != 1 || len(ds.Deliveries[0].Attempts) != 1 {
				t.Fatalf("deliveries %s, want one with one attempt", r.body)
			}
			if a := ds.Deliveries[0].Attempts[0]; a.OK || a.Error != tc.want || got.Load() != tc.received {
				t.Fatalf("attempt %+v, receiver got %d requests; want error %q and %d requests", a, got.Load(), tc.want, tc.received)
			}
			if strings.Contains(string(r.body), secret) {
				t.Fatalf("the deliveries show the receiver's answer: %s", r.body)
			}
		})
	}
}
