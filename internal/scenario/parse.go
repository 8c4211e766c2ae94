package scenario

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// parser reads one file; its errors name the file, the line and the field.
type parser struct {
	file string
}

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &ParseError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses a scenario. name is used in error messages and kept as File.Path.
// Unknown keys are errors, so that a misspelt expectation cannot silently pass.
func Parse(name string, data []byte) (*File, error) {
	p := &parser{file: name}
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		return nil, syntaxError(name, err)
	}
	root := &doc
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, p.errf(nil, "", "empty file")
		}
		root = root.Content[0]
	}
	root = resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, p.errf(root, "", "want a mapping with name, production, start and steps")
	}
	f := &File{Path: name}
	keys, err := p.fields(root, "", "name", "production", "config", "start", "people", "steps")
	if err != nil {
		return nil, err
	}
	if f.Name, err = p.requiredString(root, keys, "", "name"); err != nil {
		return nil, err
	}
	if err := p.production(root, keys["production"], f); err != nil {
		return nil, err
	}
	if n := keys["config"]; n != nil && n.ShortTag() != "!!null" {
		if n.Kind != yaml.MappingNode {
			return nil, p.errf(n, "config", "want a mapping")
		}
		if f.Config, err = p.toJSON(n, "config"); err != nil {
			return nil, err
		}
	}
	start, err := p.requiredString(root, keys, "", "start")
	if err != nil {
		return nil, err
	}
	if f.Start, err = parseLocal(start, f.Production.Location); err != nil {
		return nil, p.errf(keys["start"], "start", "%v", err)
	}
	if err := p.people(keys["people"], f); err != nil {
		return nil, err
	}
	if err := p.steps(keys["steps"], f); err != nil {
		return nil, err
	}
	return f, nil
}

// yamlLine matches the location the YAML decoder puts in its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// syntaxError turns the YAML decoder's "yaml: line 3: ..." into a ParseError at line 3.
func syntaxError(file string, err error) *ParseError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pe := &ParseError{File: file, Msg: msg}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pe.Line, _ = strconv.Atoi(m[1])
		pe.Msg = strings.TrimPrefix(err.Error(), m[0])
	}
	return pe
}

// unmarshal shields callers from a panic inside the YAML decoder on hostile input.
func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable YAML: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}

// fields returns the values of mapping n by key, refusing keys not in allowed and
// duplicate keys.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, error) {
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, p.errf(n.Content[i], field, "mapping keys must be plain names")
		}
		known := false
		for _, a := range allowed {
			known = known || a == k.Value
		}
		if !known {
			return nil, p.errf(k, join(field, k.Value), "unknown key (want one of %s)", strings.Join(allowed, ", "))
		}
		if out[k.Value] != nil {
			return nil, p.errf(k, join(field, k.Value), "duplicate key")
		}
		out[k.Value] = resolve(n.Content[i+1])
		if out[k.Value] == nil {
			return nil, p.errf(n.Content[i+1], join(field, k.Value), "unknown alias")
		}
	}
	return out, nil
}

// str reads a scalar as text; null and non-scalars are errors.
func (p *parser) str(n *yaml.Node, field string) (string, error) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", p.errf(n, field, "want a single value")
	}
	return n.Value, nil
}

// requiredString reads keys[key] as non-empty text; parent locates a missing key.
func (p *parser) requiredString(parent *yaml.Node, keys map[string]*yaml.Node, field, key string) (string, error) {
	n := keys[key]
	if n == nil {
		return "", p.errf(parent, join(field, key), "required")
	}
	s, err := p.str(n, join(field, key))
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", p.errf(n, join(field, key), "required")
	}
	return s, nil
}

func (p *parser) production(parent, n *yaml.Node, f *File) error {
	if n == nil {
		return p.errf(parent, "production", "required")
	}
	if n.Kind != yaml.MappingNode {
		return p.errf(n, "production", "want a mapping with id, name and timezone")
	}
	keys, err := p.fields(n, "production", "id", "name", "timezone")
	if err != nil {
		return err
	}
	pr := &f.Production
	if pr.ID, err = p.requiredString(n, keys, "production", "id"); err != nil {
		return err
	}
	if !idPattern.MatchString(pr.ID) {
		return p.errf(keys["id"], "production.id", "want lowercase letters, digits and '-', got %q", pr.ID)
	}
	if keys["name"] != nil {
		if pr.Name, err = p.str(keys["name"], "production.name"); err != nil {
			return err
		}
	}
	if pr.Name == "" {
		pr.Name = pr.ID
	}
	pr.Timezone = "UTC"
	if keys["timezone"] != nil {
		if pr.Timezone, err = p.str(keys["timezone"], "production.timezone"); err != nil {
			return err
		}
	}
	if pr.Timezone == "" || pr.Timezone == "Local" {
		return p.errf(keys["timezone"], "production.timezone", "want an IANA time zone name like America/Denver")
	}
	if pr.Location, err = time.LoadLocation(pr.Timezone); err != nil {
		return p.errf(keys["timezone"], "production.timezone", "unknown time zone %q", pr.Timezone)
	}
	return nil
}

func (p *parser) people(n *yaml.Node, f *File) error {
	if n == nil || n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.errf(n, "people", "want a list of people")
	}
	for i, c := range n.Content {
		field := fmt.Sprintf("people[%d]", i)
		c = resolve(c)
		if c == nil || c.Kind != yaml.MappingNode {
			return p.errf(n.Content[i], field, "want a mapping with the fields of person.add")
		}
		js, err := p.toJSON(c, field)
		if err != nil {
			return err
		}
		f.People = append(f.People, js)
	}
	return nil
}

func (p *parser) steps(n *yaml.Node, f *File) error {
	if n == nil || n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.errf(n, "steps", "want a list of steps")
	}
	clock := f.Start
	for i, c := range n.Content {
		name := fmt.Sprintf("step %d", i+1)
		r := resolve(c)
		if r == nil || r.Kind != yaml.MappingNode {
			return p.errf(c, name, "want a mapping with at, as, do, with and expect")
		}
		s, err := p.step(r, name, clock, f.Production.Location)
		if err != nil {
			return err
		}
		clock = s.Time
		f.Steps = append(f.Steps, s)
	}
	return nil
}

// step reads one step (a mapping) given the clock before it.
func (p *parser) step(n *yaml.Node, name string, clock time.Time, loc *time.Location) (Step, error) {
	prefix := name + ": "
	keys, err := p.fields(n, prefix, "at", "as", "do", "with", "expect")
	if err != nil {
		return Step{}, err
	}
	s := Step{Line: n.Line, Time: clock}
	field := func(k string) string { return join(prefix, k) }
	if at := keys["at"]; at != nil {
		if s.At, err = p.str(at, field("at")); err != nil {
			return Step{}, err
		}
		if s.Time, err = resolveAt(s.At, clock, loc); err != nil {
			return Step{}, p.errf(at, field("at"), "%v", err)
		}
	}
	if keys["do"] != nil {
		if s.Do, err = p.requiredString(n, keys, prefix, "do"); err != nil {
			return Step{}, p.errf(keys["do"], field("do"), "want an action name")
		}
		if s.As, err = p.requiredString(n, keys, prefix, "as"); err != nil {
			return Step{}, p.errf(n, field("as"), "required with do: a person's id, or anonymous")
		}
	} else if keys["as"] != nil || keys["with"] != nil {
		return Step{}, p.errf(n, field("do"), "required with as or with")
	}
	s.With = []byte("{}")
	if w := keys["with"]; w != nil && w.ShortTag() != "!!null" {
		if w.Kind != yaml.MappingNode {
			return Step{}, p.errf(w, field("with"), "want a mapping")
		}
		if s.With, err = p.toJSON(w, field("with")); err != nil {
			return Step{}, err
		}
	}
	if s.Expect, err = p.expect(keys["expect"], field("expect")); err != nil {
		return Step{}, err
	}
	return s, nil
}
