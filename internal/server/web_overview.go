package server

import (
	"net/http"

	"coldset/internal/rules"
)

// overviewView is a person's own page on a production: what is being handed to
// them (to check and confirm, or refuse), what they hold, the holds in force and
// their own concerns.
type overviewView struct {
	Base       string
	Incoming   []incomingCard
	Holding    []firearmCard
	Holds      []holdCard
	MyConcerns []concernCard
	People     []rules.PersonView // who a firearm may be handed to
	Armorer    bool
	Person     bool // the caller is a person on the production (not only an admin)
}

// webOverview is GET /productions/{id}.
func (s *Server) webOverview(w http.ResponseWriter, r *http.Request, c *webCtx) {
	v := overviewView{Base: "/productions/" + c.ov.ID, Holds: c.holdCards(), People: c.others(), Armorer: c.mayDo(rules.FirearmInspect), Person: c.person != ""}
	for _, f := range c.ov.Firearms {
		switch {
		case c.person == "":
		case f.HandingTo == c.person:
			v.Incoming = append(v.Incoming, c.incomingCard(c.firearmCard(f)))
		case f.Holder == c.person:
			v.Holding = append(v.Holding, c.firearmCard(f))
		}
	}
	v.MyConcerns = c.myConcerns(recentClosed)
	s.render(w, r, http.StatusOK, "overview", s.page(w, r, c, c.ov.Name, "", v))
}
