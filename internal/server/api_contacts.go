package server

import (
	"errors"
	"net/http"
	"time"

	"coldset/internal/notify"
	"coldset/internal/rules"
)

// Contacts and deliveries: who is told of a production's escalations, holds,
// overrides and serious incidents, and what became of every message.

// registerContacts registers the contact and delivery routes, kept in the
// backend's outbox (Config.Store).
func (s *Server) registerContacts(handle func(pattern string, h http.HandlerFunc)) {
	handle("GET /api/productions/{id}/contacts", s.member(s.getContacts))
	handle("PUT /api/productions/{id}/contacts", s.member(s.putContacts))
	handle("GET /api/productions/{id}/deliveries", s.member(s.getDeliveries))
}

// contactJSON is a contact as the API shows it: the webhook secret is never shown,
// only whether one is set.
type contactJSON struct {
	notify.Contact
	SecretSet bool `json:"webhook_secret_set,omitempty"`
}

type contactsBody struct {
	Contacts []notify.Contact `json:"contacts"`
}

type contactsResponse struct {
	Contacts []contactJSON `json:"contacts"`
}

// deliveryJSON is one outbox row: one message to one contact on one channel.
type deliveryJSON struct {
	ID          int64            `json:"id"`
	Index       uint64           `json:"index"` // the ledger entry it tells of
	Event       string           `json:"event"`
	Contact     string           `json:"contact"`
	Channel     string           `json:"channel"`
	Address     string           `json:"address,omitempty"`
	Subject     string           `json:"subject"`
	Status      string           `json:"status"`
	Created     time.Time        `json:"created"`
	NextAttempt *time.Time       `json:"next_attempt,omitempty"`
	Delivered   *time.Time       `json:"delivered,omitempty"`
	Attempts    []notify.Attempt `json:"attempts"`
}

// mayManageContacts lets through the production's safety officers and producers, and
// studio admins.
func (s *Server) mayManageContacts(a access) (notify.Store, error) {
	if a.account.Admin {
		return s.store, nil
	}
	allowed := false
	a.prod.View(func(st *rules.State) {
		for _, p := range st.OpenOverview().People {
			if p.ID == a.person {
				for _, r := range p.Roles {
					allowed = allowed || r == "safety_officer" || r == "producer"
				}
			}
		}
	})
	if !allowed {
		return nil, forbidden(rules.RoleRequired, "only the production's safety officer or a producer (or a studio admin) sees and sets who is told of escalations")
	}
	return s.store, nil
}

func (s *Server) getContacts(w http.ResponseWriter, r *http.Request, a access) {
	ob, err := s.mayManageContacts(a)
	if err == nil {
		var cs []notify.Contact
		if cs, err = ob.Contacts(r.Context(), a.prod.ID()); err == nil {
			s.writeJSON(w, r, contactsView(cs))
			return
		}
	}
	s.writeError(w, r, err)
}

// putContacts replaces the production's contact list. A webhook contact sent without
// its secret keeps the secret stored for it, if its URL is unchanged.
func (s *Server) putContacts(w http.ResponseWriter, r *http.Request, a access) {
	ob, err := s.mayManageContacts(a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var body contactsBody
	if err := decodeJSON(w, r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	old, err := ob.Contacts(r.Context(), a.prod.ID())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	people := map[string]bool{}
	a.prod.View(func(st *rules.State) {
		for _, p := range st.OpenOverview().People {
			people[p.ID] = true
		}
	})
	cs, err := notify.CheckContacts(body.Contacts, old, func(id string) bool { return people[id] }, s.webhooks)
	var ce *notify.ContactError
	if errors.As(err, &ce) {
		s.writeError(w, r, &apiError{kind: kindUnprocessable, rule: rules.Invalid, field: ce.Field, detail: ce.Message})
		return
	}
	if err == nil {
		err = ob.SetContacts(r.Context(), a.prod.ID(), cs)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, contactsView(cs))
}

func contactsView(cs []notify.Contact) contactsResponse {
	out := contactsResponse{Contacts: []contactJSON{}}
	for _, c := range cs {
		set := c.WebhookSecret != ""
		c.WebhookSecret = ""
		out.Contacts = append(out.Contacts, contactJSON{Contact: c, SecretSet: set})
	}
	return out
}

// getDeliveries lists every message the production's events caused, newest event
// first, with each attempt's time, outcome and error.
func (s *Server) getDeliveries(w http.ResponseWriter, r *http.Request, a access) {
	ob, err := s.mayManageContacts(a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ds, err := ob.Deliveries(r.Context(), a.prod.ID())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Deliveries []deliveryJSON `json:"deliveries"`
	}{Deliveries: []deliveryJSON{}}
	for _, d := range ds {
		v := deliveryJSON{ID: d.ID, Index: d.Index, Event: d.Event, Contact: d.Contact, Channel: d.Channel, Address: d.Address,
			Subject: d.Subject, Status: d.Status, Created: d.Created, Delivered: d.Delivered, Attempts: d.Attempts}
		if d.Status == notify.StatusPending {
			next := d.NextAt
			v.NextAttempt = &next
		}
		out.Deliveries = append(out.Deliveries, v)
	}
	s.writeJSON(w, r, out)
}
