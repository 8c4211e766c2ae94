package notify

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
)

// minSecret is the shortest webhook secret accepted: an HMAC key a receiver can rely
// on should not be guessable.
const minSecret = 16

var contactID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ContactError is a contact list that cannot be stored; Field names the bad value
// as contacts[i].field.
type ContactError struct {
	Field   string
	Message string
}

func (e *ContactError) Error() string { return e.Field + ": " + e.Message }

// CheckContacts checks a contact list before it is stored. isPerson reports whether a
// person id is on the production. A contact that omits its webhook secret keeps the
// one stored under its id for the same URL (from old), so that a list can be read,
// edited and put back without the secrets ever being shown. It returns the list to
// store. A webhook URL whose host is an address hooks does not permit is refused
// here; a host name is checked each time a webhook is sent, since what it resolves
// to may change.
func CheckContacts(cs, old []Contact, isPerson func(string) bool, hooks WebhookPolicy) ([]Contact, error) {
	bad := func(i int, field, format string, args ...any) error {
		return &ContactError{Field: fmt.Sprintf("contacts[%d].%s", i, field), Message: fmt.Sprintf(format, args...)}
	}
	prev := make(map[string]Contact, len(old))
	for _, c := range old {
		prev[c.ID] = c
	}
	seen := make(map[string]bool, len(cs))
	out := make([]Contact, 0, len(cs))
	for i, c := range cs {
		switch {
		case !contactID.MatchString(c.ID):
			return nil, bad(i, "id", "must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
		case seen[c.ID]:
			return nil, bad(i, "id", "%s is used twice", c.ID)
		case (c.Person == "") == (c.Role == ""):
			return nil, bad(i, "person", "give either a person on the production or a role (%s, %s, %s)", RoleStudioSafety, RoleUnionSafety, RoleWitness)
		case c.Person != "" && !isPerson(c.Person):
			return nil, bad(i, "person", "%s is not a person on the production", c.Person)
		case c.Role != "" && c.Role != RoleStudioSafety && c.Role != RoleUnionSafety && c.Role != RoleWitness:
			return nil, bad(i, "role", "must be %s, %s or %s", RoleStudioSafety, RoleUnionSafety, RoleWitness)
		case c.Email == "" && c.WebhookURL == "":
			return nil, bad(i, "email", "give an e-mail address, a webhook URL, or both")
		}
		seen[c.ID] = true
		if c.Email != "" {
			a, err := mail.ParseAddress(c.Email)
			if err != nil || a.Address != c.Email {
				return nil, bad(i, "email", "%q is not a plain e-mail address", c.Email)
			}
		}
		if c.WebhookURL != "" {
			u, err := url.Parse(c.WebhookURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return nil, bad(i, "webhook_url", "must be an absolute http or https URL")
			}
			if u.User != nil {
				return nil, bad(i, "webhook_url", "must not hold a user name or password; the webhook secret is what proves a message came from coldset")
			}
			if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !hooks.Permits(ip) {
				return nil, bad(i, "webhook_url", "%s is not a public address; webhooks go only to public addresses unless the studio admin allows more", ip)
			}
			if p, ok := prev[c.ID]; c.WebhookSecret == "" && ok && p.WebhookURL == c.WebhookURL {
				c.WebhookSecret = p.WebhookSecret
			}
			if len(c.WebhookSecret) < minSecret {
				return nil, bad(i, "webhook_secret", "a webhook needs a secret of at least %d characters to sign its messages with", minSecret)
			}
		} else if c.WebhookSecret != "" {
			return nil, bad(i, "webhook_secret", "a secret goes only with a webhook_url")
		}
		out = append(out, c)
	}
	return out, nil
}

// contactRoles maps the roles an escalation names for people outside the roster to
// the contact roles that reach them.
var contactRoles = map[string]string{
	"studio_safety_contact":       RoleStudioSafety,
	"studio_safety":               RoleStudioSafety,
	"union_safety_representative": RoleUnionSafety,
	"witness":                     RoleWitness,
}

// recipients returns the contacts that reach people (person ids) and roles (as the
// rules name them; roles held by people on the production are reached through
// people), and a "person:ID" or "role:ROLE" for each recipient nobody can reach.
func recipients(cs []Contact, people, roles []string) (reach []Contact, gaps []string) {
	added := map[string]bool{}
	add := func(c Contact) {
		if !added[c.ID] {
			added[c.ID] = true
			reach = append(reach, c)
		}
	}
	// addAll adds every contact that is, and names gap when none is.
	addAll := func(is func(Contact) bool, gap string) {
		found := false
		for _, c := range cs {
			if is(c) {
				add(c)
				found = true
			}
		}
		if !found {
			gaps = append(gaps, gap)
		}
	}
	for _, p := range people {
		addAll(func(c Contact) bool { return c.Person == p }, "person:"+p)
	}
	for _, r := range roles {
		if cr, ok := contactRoles[r]; ok {
			addAll(func(c Contact) bool { return c.Role == cr }, "role:"+cr)
		}
	}
	if len(reach) == 0 && len(gaps) == 0 {
		gaps = append(gaps, "nobody")
	}
	return reach, gaps
}
