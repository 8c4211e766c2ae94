package server

import (
	"net/http"

	"coldset/internal/rules"
)

// The armorer's pages: the armory (firearms, lots, who holds what), one firearm
// (inspect, hand over, receive back; accept or refuse when it is handed to you), and
// one lot (verify, provenance, expend, dispose, count).

type armoryView struct {
	Base     string
	Firearms []firearmCard
	Lots     []lotCard
	Out      []firearmCard // firearms out of the armory or being handed over
	Armorer  bool
}

// webArmory is GET /productions/{id}/armory.
func (s *Server) webArmory(w http.ResponseWriter, r *http.Request, c *webCtx) {
	v := armoryView{Base: "/productions/" + c.ov.ID, Armorer: c.mayDo(rules.FirearmInspect)}
	for _, f := range c.ov.Firearms {
		fc := c.firearmCard(f)
		v.Firearms = append(v.Firearms, fc)
		if !fc.InArmory || f.HandingTo != "" {
			v.Out = append(v.Out, fc)
		}
	}
	for _, l := range c.ov.Lots {
		v.Lots = append(v.Lots, c.lotCard(l))
	}
	s.render(w, r, http.StatusOK, "armory", s.page(w, r, c, "Armory", "/armory", v))
}

type firearmView struct {
	Base     string
	F        firearmCard
	Lots     []rules.LotView
	People   []rules.PersonView // who it may be handed to
	Armorer  bool
	Holder   bool          // the caller holds it (or, in the armory, is an armorer)
	Incoming *incomingCard // nil unless it is being handed to the caller
	QR       string
}

// webFirearm is GET /productions/{id}/firearms/{item}: the page a firearm's QR
// label opens.
func (s *Server) webFirearm(w http.ResponseWriter, r *http.Request, c *webCtx) {
	id := r.PathValue("item")
	for _, f := range c.ov.Firearms {
		if f.ID != id {
			continue
		}
		armorer := c.mayDo(rules.FirearmInspect)
		v := firearmView{
			Base: "/productions/" + c.ov.ID, F: c.firearmCard(f), Lots: c.ov.Lots, Armorer: armorer,
			Holder: c.person != "" && (f.Holder == c.person || (f.Holder == "armory" && armorer)),
			QR:     "/productions/" + c.ov.ID + "/qr/firearm/" + f.ID,
		}
		if c.person != "" && f.HandingTo == c.person {
			// The page is the firearm's own: its heading names it already.
			v.Incoming = &incomingCard{Firearm: f.ID, Action: v.Base + "/do", Title: "It is being handed to you",
				SeenID: "seen-", RoundsID: "seen-rounds", ReasonID: "refuse-reason"}
		}
		for _, p := range c.ov.People {
			if p.ID != f.Holder && p.ID != c.person {
				v.People = append(v.People, p)
			}
		}
		s.render(w, r, http.StatusOK, "firearm", s.page(w, r, c, "Firearm "+f.ID, "/armory", v))
		return
	}
	s.webError(w, r, notFound("There is no firearm %q on %s.", id, c.ov.Name))
}

type lotView struct {
	Base    string
	L       lotCard
	Armorer bool
	QR      string
}

// webLot is GET /productions/{id}/lots/{item}: the page a lot's QR label opens.
func (s *Server) webLot(w http.ResponseWriter, r *http.Request, c *webCtx) {
	id := r.PathValue("item")
	for _, l := range c.ov.Lots {
		if l.ID == id {
			v := lotView{Base: "/productions/" + c.ov.ID, L: c.lotCard(l), Armorer: c.mayDo(rules.FirearmInspect), QR: "/productions/" + c.ov.ID + "/qr/lot/" + l.ID}
			s.render(w, r, http.StatusOK, "lot", s.page(w, r, c, "Lot "+l.ID, "/armory", v))
			return
		}
	}
	s.webError(w, r, notFound("There is no lot %q on %s.", id, c.ov.Name))
}
