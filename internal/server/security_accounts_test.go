package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"coldset/internal/auth"
)

// An invitation hands out a way to set a password only for an account it made itself.
// An account another invitation made (on any production) and that has no password
// yet belongs to the person that invitation was for: a producer who invites its
// e-mail must not be shown a link with which to take it over.
func TestInvitationHandsNoLinkForAnAccountItDidNotMake(t *testing.T) {
	pia := newWebClient(t)
	token := pia.signIn("pia")
	ctx := context.Background()
	accounts := pia.srv.api.accounts

	// Lou was invited on another production and has not set a password yet: Lou's
	// own link is the only way in.
	if _, created, err := auth.Invite(ctx, accounts, "lou@far-ridge.test"); err != nil || !created {
		t.Fatalf("invite Lou: created %v, %v", created, err)
	}
	lous, _, err := auth.LinkFor(ctx, accounts, "lou@far-ridge.test", pia.now)
	if err != nil {
		t.Fatal(err)
	}

	resp, page := pia.postPage("/productions/dry-creek/invite", url.Values{"csrf": {token},
		"s:name": {"Lou Grant"}, "s:email": {"lou@far-ridge.test"}, "l:roles": {"crew"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invite: status %d: %.300s", resp.StatusCode, page)
	}
	if strings.Contains(page, "/password/") {
		t.Errorf("the invitation of an account someone else made shows a password link:\n%s", regexp.MustCompile(`/password/[^<"]+`).FindString(page))
	}
	pageHas(t, "the invitation", page, "Lou Grant", "already had a sign-in with this e-mail")
	if _, _, err := auth.CheckPasswordLink(ctx, accounts, lous, pia.now); err != nil {
		t.Errorf("Lou's own link no longer works: %v", err)
	}

	// A new e-mail: the invitation made the account, and its link is shown once.
	_, page = pia.postPage("/productions/dry-creek/invite", url.Values{"csrf": {token},
		"s:name": {"Mo Diaz"}, "s:email": {"mo@dry-creek.test"}, "l:roles": {"crew"}})
	pageHas(t, "the invitation of a new account", page, "Their link to set a password", "/password/")
}

// A person taken off a production (every role removed) reads nothing of it any more,
// over the API or the pages; their id stays bound to their account, so re-adding the
// id for another e-mail is refused before anything is recorded, and the removed
// account does not get the new roles.
func TestRemovalRemovesAccessAndIDsStayBound(t *testing.T) {
	ta := newTestAPI(t)
	tokens := ta.dryCreek()
	kim := tokens["kim"]
	ta.call(kim, "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)

	ta.action(tokens["pia"], "person.roles", map[string]any{"person": "kim", "roles": []string{}}).must(t, http.StatusOK)
	for _, path := range []string{"/api/productions/dry-creek", "/api/productions/dry-creek/checkpoint", "/api/productions/dry-creek/entries"} {
		ta.call(kim, "GET", path, nil).must(t, http.StatusNotFound)
	}
	if body := ta.call(kim, "GET", "/api/productions", nil).must(t, http.StatusOK).body; strings.Contains(string(body), "dry-creek") {
		t.Errorf("the list of kim's productions still holds dry-creek: %s", body)
	}

	size := ta.ledgerSize(t, "dry-creek")
	r := ta.call(tokens["pia"], "POST", "/api/productions/dry-creek/people", map[string]any{
		"email": "someone-else@crew.test", "id": "kim", "name": "Kim Other", "roles": []string{"producer"}})
	r.must(t, http.StatusConflict)
	if p := r.json(t); p["field"] != "id" {
		t.Errorf("the refusal names field %v, want id: %s", p["field"], r.body)
	}
	if got := ta.ledgerSize(t, "dry-creek"); got != size {
		t.Errorf("the refused invitation was recorded: %d entries, want %d", got, size)
	}
	ta.call(kim, "GET", "/api/productions/dry-creek", nil).must(t, http.StatusNotFound)
	ta.action(kim, "hold.override", map[string]any{"reason": "we cannot lose another day"}).must(t, http.StatusNotFound)

	// Added back (as the person's page does), the same account is back.
	ta.action(tokens["pia"], "person.add", map[string]any{"id": "kim", "name": "Kim Lee", "roles": []string{"actor"}}).must(t, http.StatusOK)
	ta.call(kim, "GET", "/api/productions/dry-creek", nil).must(t, http.StatusOK)
}
