package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"coldset/internal/auth"
	"coldset/internal/rules"
)

// inviteResponse is a person added to a production and the account that acts as them.
type inviteResponse struct {
	Person string `json:"person"`
	Email  string `json:"email"`
	// NeedsPassword: the account has no password yet (made by this invitation or an
	// earlier one) and cannot sign in until it is given one.
	NeedsPassword bool `json:"needs_password"`
	actionResponse
}

// invite is POST /api/productions/{id}/people: invitePerson, answered as JSON.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, a access) {
	var body map[string]json.RawMessage
	if err := decodeJSON(w, r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	var email string
	json.Unmarshal(body["email"], &email) // anything but a string is missing, below
	delete(body, "email")
	inv, err := s.invitePerson(r, a, email, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeStatus(w, r, http.StatusCreated, inviteResponse{
		Person: inv.person, Email: inv.email, NeedsPassword: inv.account.PasswordHash == "",
		actionResponse: actionResponse{Result: inv.res, State: summarize(a.prod)},
	})
}

// invited is a person added to a production and the account that acts as them.
type invited struct {
	person, email string
	account       auth.Account
	created       bool // this invitation made the account
	res           rules.Result
}

// invitePerson adds a person to the production (person.add, with the fields of
// with) and grants the account with that e-mail that person, creating the account
// without a password if there is none. The API and the pages both invite through it;
// a refusal is recorded and returned as the rules' refusal.
//
// Who acts: a caller who is a person on the production adds as that person, so the
// production's own permission table applies (a producer or safety officer; anyone
// else is refused with role-required, and the refusal is recorded). A studio admin who
// is not a person on it adds as the deployment itself, the way a production's first
// people are set up.
func (s *Server) invitePerson(r *http.Request, a access, email string, with map[string]json.RawMessage) (invited, error) {
	if email == "" {
		return invited{}, &apiError{kind: kindUnprocessable, rule: rules.Invalid, field: "email", detail: "email is required: the e-mail address of the person's account"}
	}
	email, err := auth.CheckEmail(email)
	if err != nil {
		return invited{}, &apiError{kind: kindUnprocessable, rule: rules.Invalid, field: "email", detail: err.Error()}
	}
	var person struct {
		ID string `json:"id"`
	}
	json.Unmarshal(with["id"], &person.ID) // a bad id is the rules' to refuse
	// One invitation at a time, so that two cannot both find an id free and record
	// it for two accounts. (Several server processes on PostgreSQL still could; the
	// store's Grant refuses the second, after its person.add is recorded.)
	s.api.inviting.Lock()
	defer s.api.inviting.Unlock()
	if err := s.notYetOn(r, email, a.prod.ID()); err != nil {
		return invited{}, err
	}
	if err := s.idFree(r, email, a.prod.ID(), person.ID); err != nil {
		return invited{}, err
	}
	body, err := json.Marshal(with)
	if err != nil {
		return invited{}, err
	}
	res, err := s.doAndWake(r.Context(), a.prod, rules.Actor{Person: a.person}, rules.Command{Do: rules.PersonAdd, With: body})
	if err != nil {
		return invited{}, err
	}
	if res.Outcome == rules.Refused {
		return invited{}, refusal(res, "with.")
	}
	acct, created, err := auth.Invite(r.Context(), s.api.accounts, email)
	if err == nil {
		err = s.api.accounts.Grant(r.Context(), auth.Membership{Account: acct.ID, Production: a.prod.ID(), Person: person.ID})
	}
	if err != nil {
		return invited{}, err
	}
	return invited{person: person.ID, email: email, account: acct, created: created, res: res}, nil
}

// idFree refuses, before anything is recorded, a person id that belongs to another
// account on the production. An id once given stays with its account, also after the
// person is taken off: the ledger names people by id, so an id given to a second
// account would hand it the first one's history, and the roles a new person.add
// records would reach whichever account holds the id.
func (s *Server) idFree(r *http.Request, email, production, id string) error {
	if id == "" {
		return nil // the rules refuse a missing id, naming it
	}
	ms, err := s.api.accounts.Members(r.Context(), production)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Person == id {
			return &apiError{kind: kindConflict, field: "id", detail: "The id " + id + " already belongs to another person's sign-in on this production, even if they were taken off it: choose another id for " + email + "."}
		}
	}
	return nil
}

// notYetOn refuses, before anything is recorded, to invite an account that already
// is a person on the production.
func (s *Server) notYetOn(r *http.Request, email, production string) error {
	acct, err := s.api.accounts.AccountByEmail(r.Context(), email)
	if errors.Is(err, auth.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ms, err := s.api.accounts.Memberships(r.Context(), acct.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Production == production {
			return &apiError{kind: kindConflict, field: "email", detail: email + " is already " + m.Person + " on this production"}
		}
	}
	return nil
}
