package investigate

import (
	"fmt"
	"slices"
	"time"

	"coldset/internal/rules"
)

// Daily is the daily safety report for producers: one calendar day of the
// production's time zone, what stopped work, what was refused and flagged, the
// concerns and their status, escalations and the decisions to go on anyway.
type Daily struct {
	Title       string      `json:"title"`
	Production  Production  `json:"production"`
	Date        string      `json:"date"` // YYYY-MM-DD in the production's time zone
	Period      Period      `json:"period"`
	Checkpoint  Checkpoint  `json:"checkpoint"`
	State       State       `json:"state"` // at the end of the day
	Holds       []Event     `json:"holds"` // placed and lifted during the day
	Refusals    []Event     `json:"refusals"`
	Flags       []DailyFlag `json:"flags"`
	Concerns    []Concern   `json:"concerns"` // filed, handled or still open that day
	Escalations []Event     `json:"escalations"`
	Overrides   []Override  `json:"overrides"`
	Incidents   []Incident  `json:"incidents"` // opened that day or still open
}

// DailyFlag is a flag raised during the day and whether it was still active at the
// day's end.
type DailyFlag struct {
	Event
	Status string  `json:"status"` // active | lifted | expired, at the end of the day
	Ended  *uint64 `json:"ended_index,omitempty"`
}

// BuildDaily makes the daily report of date (YYYY-MM-DD) in the production's zone.
func BuildDaily(rec *Record, date string) (*Daily, error) {
	loc := time.UTC
	if len(rec.Entries) > 0 {
		if p := decodePayload(rec.Entries[0].Payload); rec.Entries[0].Type == rules.ProductionCreate {
			if l, err := time.LoadLocation(p.Timezone); err == nil {
				loc = l
			}
		}
	}
	day, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return nil, fmt.Errorf("daily report: date %q: %w", date, err)
	}
	end := day.AddDate(0, 0, 1)
	r, err := Build(rec, Options{From: day, To: end.Add(-time.Nanosecond)})
	if err != nil {
		return nil, err
	}
	d := &Daily{
		Title: "Daily safety report: " + r.Production.Name, Production: r.Production, Date: date,
		Period: r.Period, Checkpoint: r.Checkpoint, State: r.State, Overrides: r.Overrides,
		Holds: []Event{}, Refusals: []Event{}, Flags: []DailyFlag{}, Concerns: []Concern{}, Escalations: []Event{}, Incidents: []Incident{},
	}
	d.Period.From, d.Period.To = day, end
	ended := flagEnds(rec, end)
	for _, ev := range r.Timeline {
		switch ev.Type {
		case rules.EventHoldPlace, rules.EventHoldLift:
			d.Holds = append(d.Holds, ev)
		case rules.EventRefused:
			d.Refusals = append(d.Refusals, ev)
		case rules.EventEscalation:
			d.Escalations = append(d.Escalations, ev)
		case rules.EventFlag:
			f := DailyFlag{Event: ev, Status: "active"}
			if e, ok := ended[ev.Index]; ok {
				f.Status, f.Ended = e.how, &e.index
			}
			d.Flags = append(d.Flags, f)
		}
	}
	inDay := func(idx uint64) bool {
		return r.Period.First != nil && idx >= *r.Period.First && idx <= *r.Period.Last
	}
	for _, c := range r.Concerns {
		if c.Status == "open" || c.Status == "acknowledged" || slices.ContainsFunc(c.Entries, inDay) {
			d.Concerns = append(d.Concerns, c)
		}
	}
	for _, in := range r.Incidents {
		if in.Status == "open" || inDay(in.Opened) || (in.Closed != nil && inDay(*in.Closed)) {
			d.Incidents = append(d.Incidents, in)
		}
	}
	return d, nil
}

type flagEnd struct {
	index uint64
	how   string
}

// flagEnds maps each flag's raising entry to the entry that ended it before end.
func flagEnds(rec *Record, end time.Time) map[uint64]flagEnd {
	raised := map[int]uint64{}
	out := map[uint64]flagEnd{}
	var p payload
	for i := range rec.Entries {
		it := &rec.Entries[i]
		if !it.Time.Before(end) {
			break
		}
		if it.Type != rules.EventFlag && it.Type != rules.EventFlagLift && it.Type != rules.EventFlagExpire {
			continue
		}
		p = payload{}
		rules.DecodeFieldsInto(&p, it.Payload)
		switch it.Type {
		case rules.EventFlag:
			raised[p.Flag] = it.Index
		case rules.EventFlagLift, rules.EventFlagExpire:
			if at, ok := raised[p.Flag]; ok {
				how := "lifted"
				if it.Type == rules.EventFlagExpire {
					how = "expired"
				}
				out[at] = flagEnd{index: it.Index, how: how}
			}
		}
	}
	return out
}
