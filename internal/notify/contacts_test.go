package notify

import (
	"errors"
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
			out, err := CheckContacts(tc.in, tc.old, onProduction)
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
