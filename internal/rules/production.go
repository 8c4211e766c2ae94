package rules

import (
	"fmt"
	"time"
)

// config is a production's stricter-than-default settings (SCENARIOS.md "config").
type config struct {
	InspectWindow  time.Duration
	RefuseDualRole bool
	AnyHours       float64
	BlankFireHours float64
}

// Defaults of RULES.md; a production may only make them stricter.
const (
	defaultInspectWindow  = 10 * time.Minute
	defaultAnyHours       = 2
	defaultBlankFireHours = 4
	minDistanceFt         = 20
	flagLifetime          = 7 * 24 * time.Hour
)

func defaultConfig() ConfigData {
	return ConfigData{
		InspectWindow:   "10m",
		ArmorerDualRole: "flag",
		TrainingHours:   HoursConfig{Any: defaultAnyHours, BlankFire: defaultBlankFireHours},
	}
}

// decideCreate checks production.create: the system sets a production up once.
func (d *decision) decideCreate() *refusal {
	r := readWith(d.cmd.With, "id", "name", "timezone", "config")
	p := ProductionData{
		ID:       r.id("id", true, false),
		Name:     r.text("name"),
		Timezone: r.text("timezone"),
		Config:   defaultConfig(),
	}
	if r.bad != nil {
		return r.bad
	}
	if _, err := Location(p.Timezone); err != nil {
		return invalid("with.timezone", "with.timezone %q is not an IANA timezone name such as America/Denver", p.Timezone)
	}
	if raw := r.raw("config"); raw != nil {
		c := readObject(raw, "with.config", "inspect_window", "armorer_dual_role", "training_hours")
		if c.bad != nil {
			return c.bad
		}
		if w := c.str("inspect_window", false, false); w != "" {
			dur, err := time.ParseDuration(w)
			if err != nil || dur <= 0 || dur > defaultInspectWindow {
				return invalid("with.config.inspect_window", "with.config.inspect_window %q must be a duration more than 0 and at most 10m (a production may only shorten it)", w)
			}
			p.Config.InspectWindow = w
		}
		if m := c.enum("armorer_dual_role", false, "flag", "refuse"); m != "" {
			p.Config.ArmorerDualRole = m
		}
		if th := c.raw("training_hours"); th != nil {
			t := readObject(th, "with.config.training_hours", "any", "blank_fire")
			if t.raw("any") != nil {
				p.Config.TrainingHours.Any = t.number("any", true, maxHours)
			}
			if t.raw("blank_fire") != nil {
				p.Config.TrainingHours.BlankFire = t.number("blank_fire", true, maxHours)
			}
			if t.bad != nil {
				return t.bad
			}
			if p.Config.TrainingHours.Any < defaultAnyHours {
				return invalid("with.config.training_hours.any", "with.config.training_hours.any must be at least %d hours (a production may only require more)", defaultAnyHours)
			}
			if p.Config.TrainingHours.BlankFire < defaultBlankFireHours {
				return invalid("with.config.training_hours.blank_fire", "with.config.training_hours.blank_fire must be at least %d hours (a production may only require more)", defaultBlankFireHours)
			}
		}
		if c.bad != nil {
			return c.bad
		}
	}
	if d.s.created {
		return invalid("do", "production %s already exists; production.create comes once", d.s.prod.ID)
	}
	if d.by.Person != "" || d.by.Anonymous {
		return refuse(RoleRequired, "only the deployment itself creates a production")
	}
	d.emit(ProductionCreate, &p)
	return nil
}

// applyCreate sets the production up from its recorded settings.
func (s *State) applyCreate(p *ProductionData) error {
	loc, err := Location(p.Timezone) // the embedded database only: zone.go
	if err != nil {
		return fmt.Errorf("production.create: %w", err)
	}
	w, err := time.ParseDuration(p.Config.InspectWindow)
	if err != nil {
		return fmt.Errorf("production.create: inspect_window: %w", err)
	}
	s.created = true
	s.prod = production{ID: p.ID, Name: p.Name, Timezone: p.Timezone, loc: loc, cfg: config{
		InspectWindow:  w,
		RefuseDualRole: p.Config.ArmorerDualRole == "refuse",
		AnyHours:       p.Config.TrainingHours.Any,
		BlankFireHours: p.Config.TrainingHours.BlankFire,
	}}
	return nil
}
