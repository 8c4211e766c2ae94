package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds how many YAML nodes one value may expand to, so that aliases
// referring to aliases cannot blow a small file up into an enormous command.
const maxNodes = 100000

// toJSON converts a YAML value into JSON, keeping what each scalar is in YAML: a quoted
// "12" stays a string, 12 is a number, true is a bool, and a plain scalar YAML would
// read as a timestamp (2027-01-01) is the string as written, since JSON has no dates.
// Mapping keys keep the order of the file.
func (p *parser) toJSON(n *yaml.Node, field string) (json.RawMessage, error) {
	var buf bytes.Buffer
	budget := maxNodes
	if err := p.writeJSON(&buf, n, field, &budget, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (p *parser) writeJSON(buf *bytes.Buffer, n *yaml.Node, field string, budget *int, depth int) error {
	*budget--
	if *budget < 0 || depth > 1000 {
		return p.errf(n, field, "value too large or too deeply nested")
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return p.errf(n, field, "unknown alias")
		}
		return p.writeJSON(buf, n.Alias, field, budget, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return p.errf(n, field, "empty document")
		}
		return p.writeJSON(buf, n.Content[0], field, budget, depth+1)
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := p.writeJSON(buf, c, fmt.Sprintf("%s[%d]", field, i), budget, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		buf.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := resolve(n.Content[i]), n.Content[i+1]
			if k == nil || k.Kind != yaml.ScalarNode {
				return p.errf(n.Content[i], field, "mapping keys must be plain names")
			}
			if k.ShortTag() == "!!merge" {
				return p.errf(k, field, "merge keys (<<) are not supported")
			}
			if seen[k.Value] {
				return p.errf(k, join(field, k.Value), "duplicate key")
			}
			seen[k.Value] = true
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k.Value)
			buf.Write(kb)
			buf.WriteByte(':')
			if err := p.writeJSON(buf, v, join(field, k.Value), budget, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.ScalarNode:
		b, err := scalarJSON(n)
		if err != nil {
			return p.errf(n, field, "%v", err)
		}
		buf.Write(b)
		return nil
	}
	return p.errf(n, field, "unsupported YAML value")
}

// scalarJSON encodes one scalar by its resolved YAML tag.
func scalarJSON(n *yaml.Node) ([]byte, error) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return json.Marshal(n.Value)
	case "!!null":
		return []byte("null"), nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("read %q: %w", n.Value, err)
		}
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return nil, fmt.Errorf("%q is not a number JSON can carry", n.Value)
		}
		return json.Marshal(v)
	}
	return nil, fmt.Errorf("unsupported tag %s", n.Tag)
}

// resolve follows aliases to the node they name; nil for a dangling or cyclic alias.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 100 {
			return nil
		}
		n = n.Alias
	}
	return n
}

// join names key inside field: "production.id", or "step 3: expect" after a step's
// prefix "step 3: ".
func join(field, key string) string {
	if field == "" || strings.HasSuffix(field, " ") {
		return field + key
	}
	return field + "." + key
}
