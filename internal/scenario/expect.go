package scenario

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"coldset/internal/rules"
)

// expectKeys are the keys an expectation map may hold (SCENARIOS.md, "Expectations").
var expectKeys = []string{"outcome", "rule", "flags", "incident", "holds", "firearm_holds", "risk", "escalations", "holder"}

// expect reads a step's expect: absent (ok), "ok", "refused", or a map.
func (p *parser) expect(n *yaml.Node, field string) (Expect, error) {
	e := Expect{Outcome: "ok"}
	if n == nil || n.ShortTag() == "!!null" {
		return e, nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Value != "ok" && n.Value != "refused" {
			return e, p.errf(n, field, "want ok, refused or a map, got %q", n.Value)
		}
		e.Outcome = n.Value
		return e, nil
	}
	if n.Kind != yaml.MappingNode {
		return e, p.errf(n, field, "want ok, refused or a map")
	}
	keys, err := p.fields(n, field, expectKeys...)
	if err != nil {
		return e, err
	}
	if r := keys["rule"]; r != nil {
		rule, err := p.str(r, join(field, "rule"))
		if err != nil || rule == "" {
			return e, p.errf(r, join(field, "rule"), "want a rule id")
		}
		e.Rule = &rule
		e.Outcome = "refused"
	}
	if o := keys["outcome"]; o != nil {
		out, err := p.str(o, join(field, "outcome"))
		if err != nil || (out != "ok" && out != "refused") {
			return e, p.errf(o, join(field, "outcome"), "want ok or refused")
		}
		if out == "ok" && e.Rule != nil {
			return e, p.errf(o, join(field, "outcome"), "a rule is named only by a refusal")
		}
		e.Outcome = out
	}
	for key, dst := range map[string]**[]string{"flags": &e.Flags, "incident": &e.Incidents, "holds": &e.Holds} {
		if v := keys[key]; v != nil {
			list, err := p.list(v, join(field, key))
			if err != nil {
				return e, err
			}
			*dst = &list
		}
	}
	if v := keys["risk"]; v != nil {
		risk, err := p.str(v, join(field, "risk"))
		if err != nil || (risk != "green" && risk != "amber" && risk != "red") {
			return e, p.errf(v, join(field, "risk"), "want green, amber or red")
		}
		e.Risk = &risk
	}
	if v := keys["firearm_holds"]; v != nil {
		if e.FirearmHolds, err = p.firearmHolds(v, join(field, "firearm_holds")); err != nil {
			return e, err
		}
	}
	if v := keys["holder"]; v != nil {
		if e.Holder, err = p.holders(v, join(field, "holder")); err != nil {
			return e, err
		}
	}
	if v := keys["escalations"]; v != nil {
		if e.Escalations, err = p.escalations(v, join(field, "escalations")); err != nil {
			return e, err
		}
	}
	return e, nil
}

// list reads a list of names; a single name is a list of one, [] is the empty list.
func (p *parser) list(n *yaml.Node, field string) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := p.str(n, field)
		if err != nil || s == "" {
			return nil, p.errf(n, field, "want a name or a list of names")
		}
		return []string{s}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "want a list of names")
	}
	out := []string{}
	for _, c := range n.Content {
		c = resolve(c)
		s, err := p.str(c, field)
		if err != nil || s == "" {
			return nil, p.errf(c, field, "want a list of names")
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *parser) firearmHolds(n *yaml.Node, field string) (map[string][]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "want a map of firearm id to hold ids")
	}
	out, seen := map[string][]string{}, map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := p.key(n.Content[i], field, seen)
		if err != nil {
			return nil, err
		}
		v := resolve(n.Content[i+1])
		if v == nil {
			return nil, p.errf(n.Content[i+1], join(field, k), "unknown alias")
		}
		if out[k], err = p.list(v, join(field, k)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *parser) holders(n *yaml.Node, field string) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "want a map of firearm id to person id or armory")
	}
	out, seen := map[string]string{}, map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := p.key(n.Content[i], field, seen)
		if err != nil {
			return nil, err
		}
		v := resolve(n.Content[i+1])
		s, err := p.str(v, join(field, k))
		if err != nil || s == "" {
			return nil, p.errf(n.Content[i+1], join(field, k), "want a person id or armory")
		}
		out[k] = s
	}
	return out, nil
}

// key reads a map key that must not repeat one already in seen, and records it there.
func (p *parser) key(n *yaml.Node, field string, seen map[string]bool) (string, error) {
	k := resolve(n)
	if k == nil || k.Kind != yaml.ScalarNode || k.Value == "" {
		return "", p.errf(n, field, "want a firearm id")
	}
	if seen[k.Value] {
		return "", p.errf(k, join(field, k.Value), "duplicate key")
	}
	seen[k.Value] = true
	return k.Value, nil
}

func (p *parser) escalations(n *yaml.Node, field string) (*[]rules.Escalation, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "want a list like [{concern: c1, level: 2}]")
	}
	out := []rules.Escalation{}
	for _, c := range n.Content {
		c = resolve(c)
		if c == nil || c.Kind != yaml.MappingNode {
			return nil, p.errf(c, field, "want {concern: ID, level: N}")
		}
		keys, err := p.fields(c, field, "concern", "level")
		if err != nil {
			return nil, err
		}
		concern, err := p.requiredString(c, keys, field, "concern")
		if err != nil {
			return nil, err
		}
		lv := keys["level"]
		if lv == nil {
			return nil, p.errf(c, join(field, "level"), "required")
		}
		level, err := strconv.Atoi(lv.Value)
		if lv.Kind != yaml.ScalarNode || lv.ShortTag() != "!!int" || err != nil || level < 1 || level > 4 {
			return nil, p.errf(lv, join(field, "level"), "want 1, 2, 3 or 4")
		}
		out = append(out, rules.Escalation{Concern: concern, Level: level})
	}
	return &out, nil
}
