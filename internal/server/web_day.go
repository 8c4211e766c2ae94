package server

import (
	"net/http"
	"strings"
	"time"

	"coldset/internal/record"
	"coldset/internal/rules"
)

// The first AD's page: the day on set. Today's safety meeting and who attended, the
// scene plans, hot and cold calls and breaks so far; and the forms to record them.

type dayView struct {
	Base     string
	Date     string
	Today    []dayItem
	People   []rules.PersonView
	Firearms []rules.FirearmView
	Scenes   []string // scenes with an accepted plan, for calls
	Meet     bool     // may hold the safety meeting and make calls (first AD, armorer)
	Plan     bool     // may plan scenes and start breaks (first AD)
	Met      bool     // a safety meeting is on record today
}

// dayItem is one thing recorded today, in words.
type dayItem struct {
	At    string
	What  string
	Lines []string
}

// webDay is GET /productions/{id}/day.
func (s *Server) webDay(w http.ResponseWriter, r *http.Request, c *webCtx) {
	today := c.now.In(c.loc).Format(time.DateOnly)
	v := dayView{Base: "/productions/" + c.ov.ID, Date: c.now.In(c.loc).Format("Monday 2 January 2006"), People: c.ov.People,
		Firearms: c.ov.Firearms, Meet: c.mayDo(rules.SafetyMeetingHold), Plan: c.mayDo(rules.ScenePlan)}
	local := c.now.In(c.loc)
	from := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, c.loc)
	var at []uint64
	c.prod.Read(func(_ *rules.State, b *record.Book) { at, v.Scenes = b.Day(from, from.AddDate(0, 0, 1)), b.Scenes() })
	entries, err := record.Entries(r.Context(), c.prod.Log(), at)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	for _, e := range entries {
		if e.Time.In(c.loc).Format(time.DateOnly) != today {
			continue
		}
		it := dayItem{At: e.Time.In(c.loc).Format("15:04")}
		by := c.name(e.Actor)
		switch p := e.Payload.(type) {
		case *rules.MeetingData:
			v.Met = true
			it.What = "Safety meeting, led by " + by
			it.Lines = []string{"Attended: " + c.names(p.Attendees)}
			for _, t := range p.Topics {
				it.Lines = append(it.Lines, "Topic: "+t)
			}
		case *rules.SceneData:
			it.What = "Scene " + p.Scene + " planned by " + by
			it.Lines = []string{"Firearms: " + strings.Join(p.Firearms, ", ") + " · toward " + p.Toward}
			if len(p.Protections) > 0 {
				it.Lines = append(it.Lines, "Protections: "+words(strings.Join(p.Protections, ", ")))
			}
		case *rules.CallData:
			it.What = strings.ToUpper(p.Call) + " call: " + p.Firearm + ", scene " + p.Scene + " (" + by + ")"
		case *rules.BreakData:
			it.What = sentence(p.Kind) + " started by " + by
		}
		v.Today = append(v.Today, it)
	}
	s.render(w, r, http.StatusOK, "day", s.page(w, r, c, "The day", "/day", v))
}

// names turns person ids into their names.
func (c *webCtx) names(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.name(id)
	}
	return strings.Join(out, ", ")
}
