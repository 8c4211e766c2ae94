package notify

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
)

func TestCheckContacts(t *testing.T) {
	onProduction := func(id string) bool { return id == "sol" || id == "pia" }
	hook := Contact{ID: "union", Role: RoleUnionSafety, WebhookURL: "https://union.test/h", WebhookSecret: "0123456789abcdef"}
	for _, tc := range []struct {
		name  string
		in    []Contact
		old   []Contact
		field string // "" for accepted
	}{
		{"person by e-mail", []Contact{{ID: "sol", Person: "sol", Email: "sol@crew.test"}}, nil, ""},
		{"role by webhook", []Contact{hook}, nil, ""},
		{"two contacts for one person", []Contact{{ID: "a", Person: "sol", Email: "a@x.test"}, {ID: "b", Person: "sol", Email: "b@x.test"}}, nil, ""},
		{"secret kept for the same URL", []Contact{{ID: "union", Role: RoleUnionSafety, WebhookURL: hook.WebhookURL}}, []Contact{hook}, ""},
		{"secret not kept for a new URL", []Contact{{ID: "union", Role: RoleUnionSafety, WebhookURL: "https://other.test/h"}}, []Contact{hook}, "contacts[0].webhook_secret"},
		{"secret not kept under another id", []Contact{{ID: "u2", Role: RoleUnionSafety, WebhookURL: hook.WebhookURL}}, []Contact{hook}, "contacts[0].webhook_secret"},
		{"short secret", []Contact{{ID: "w", Role: RoleWitness, WebhookURL: "https://w.test/", WebhookSecret: "short"}}, nil, "contacts[0].webhook_secret"},
		{"secret without a webhook", []Contact{{ID: "w", Role: RoleWitness, Email: "w@x.test", WebhookSecret: "0123456789abcdef"}}, nil, "contacts[0].webhook_secret"},
		{"duplicate id", []Contact{{ID: "a", Person: "sol", Email: "a@x.test"}, {ID: "a", Person: "pia", Email: "b@x.test"}}, nil, "contacts[1].id"},
		{"both person and role", []Contact{{ID: "a", Person: "sol", Role: RoleWitness, Email: "a@x.test"}}, nil, "contacts[0].person"},
		{"unknown person", []Contact{{ID: "a", Person: "zed", Email: "a@x.test"}}, nil, "contacts[0].person"},
		{"unknown role", []Contact{{ID: "a", Role: "producer", Email: "a@x.test"}}, nil, "contacts[0].role"},
		{"no channel", []Contact{{ID: "a", Person: "sol"}}, nil, "contacts[0].email"},
		{"display-name address", []Contact{{ID: "a", Person: "sol", Email: "Sol <sol@x.test>"}}, nil, "contacts[0].email"},
		{"relative webhook", []Contact{{ID: "a", Person: "sol", WebhookURL: "/hook", WebhookSecret: "0123456789abcdef"}}, nil, "contacts[0].webhook_url"},
		{"id with a space", []Contact{{ID: "a b", Person: "sol", Email: "a@x.test"}}, nil, "contacts[0].id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := CheckContacts(tc.in, tc.old, onProduction, WebhookPolicy{})
			var ce *ContactError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field == "":
				for _, c := range out {
					if c.WebhookURL != "" && c.WebhookSecret == "" {
						t.Fatalf("webhook contact %s stored without a secret", c.ID)
					}
				}
			case !errors.As(err, &ce) || ce.Field != tc.field:
				t.Fatalf("err = %v, want a ContactError on %s", err, tc.field)
			}
		})
	}
}

func TestCheckContactsWebhookAddress(t *testing.T) {
	none := func(string) bool { return false }
	internal := WebhookPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, tc := range []struct {
		name   string
		url    string
		policy WebhookPolicy
		ok     bool
	}{
		{"public address", "https://203.0.112.9/hook", WebhookPolicy{}, true},
		{"host name: checked when sent", "https://hooks.union.test/h", WebhookPolicy{}, true},
		{"loopback", "http://127.0.0.1/", WebhookPolicy{}, false},
		{"loopback, another form", "http://127.1.2.3:8080/", WebhookPolicy{}, false},
		{"IPv6 loopback", "http://[::1]/", WebhookPolicy{}, false},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", WebhookPolicy{}, false},
		{"cloud metadata service", "http://169.254.169.254/latest/meta-data/", WebhookPolicy{}, false},
		{"private network", "http://10.1.2.3/", WebhookPolicy{}, false},
		{"unique-local IPv6", "http://[fd00::1]/", WebhookPolicy{}, false},
		{"link-local IPv6 with a zone", "http://[fe80::1%25eth0]/", WebhookPolicy{}, false},
		{"unspecified", "http://0.0.0.0/", WebhookPolicy{}, false},
		{"carrier-grade NAT", "http://100.64.0.1/", WebhookPolicy{}, false},
		{"private network the deployment allows", "http://10.1.2.3/", internal, true},
		{"loopback the deployment does not allow", "http://127.0.0.1/", internal, false},
		{"user and password", "https://user:pw@hooks.union.test/", WebhookPolicy{}, false},
		{"user alone", "https://user@hooks.union.test/", WebhookPolicy{}, false},
		{"ftp", "ftp://hooks.union.test/", WebhookPolicy{}, false},
		{"file", "file:///etc/passwd", WebhookPolicy{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Contact{ID: "u", Role: RoleUnionSafety, WebhookURL: tc.url, WebhookSecret: "0123456789abcdef"}
			_, err := CheckContacts([]Contact{c}, nil, none, tc.policy)
			var ce *ContactError
			switch {
			case tc.ok && err != nil:
				t.Fatalf("refused: %v", err)
			case !tc.ok && (!errors.As(err, &ce) || ce.Field != "contacts[0].webhook_url"):
				t.Fatalf("err = %v, want a ContactError on contacts[0].webhook_url", err)
			}
		})
	}
}

func TestRecipients(t *testing.T) {
	cs := []Contact{
		{ID: "sol-mail", Person: "sol", Email: "sol@x.test"},
		{ID: "sol-phone", Person: "sol", WebhookURL: "https://pager.test/sol"},
		{ID: "pia", Person: "pia", Email: "pia@x.test"},
		{ID: "studio", Role: RoleStudioSafety, Email: "studio@x.test"},
		{ID: "union", Role: RoleUnionSafety, Email: "union@x.test"},
	}
	for _, tc := range []struct {
		name          string
		people, roles []string
		reach, gaps   []string
	}{
		{"level 1: safety officer by both contacts", []string{"sol"}, []string{"safety_officer"}, []string{"sol-mail", "sol-phone"}, nil},
		{"level 1: department head without a contact", []string{"sol", "raf"}, []string{"safety_officer", "department_head:camera"}, []string{"sol-mail", "sol-phone"}, []string{"person:raf"}},
		{"level 3: producers and the studio", []string{"pia"}, []string{"producer", "studio_safety_contact"}, []string{"pia", "studio"}, nil},
		{"level 4: no witness configured", nil, []string{"union_safety_representative", "witness"}, []string{"union"}, []string{"role:witness"}},
		{"level 2 with no producers at all", nil, []string{"producer"}, nil, []string{"nobody"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reach, gaps := recipients(cs, tc.people, tc.roles)
			var ids []string
			for _, c := range reach {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, tc.reach) || !slices.Equal(gaps, tc.gaps) {
				t.Fatalf("reach %v, gaps %v; want %v, %v", ids, gaps, tc.reach, tc.gaps)
			}
		})
	}
}
