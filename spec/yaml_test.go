package spec_test

import (
	"fmt"
	"os"
	"reflect"
	"testing"

	yaml11 "go.yaml.in/yaml/v2"
	yaml12 "go.yaml.in/yaml/v3"
)

// TestSpecIsPortableYAML: the spec is read by tools with other YAML parsers
// than kin-openapi's (PyYAML in Dredd and Schemathesis, js-yaml in Redocly,
// libyaml ports), some of them YAML 1.1. It must parse under YAML 1.1
// (go.yaml.in/yaml/v2, as PyYAML) and YAML 1.2 (go.yaml.in/yaml/v3) to the
// same document: no unquoted "?" in flow mappings, no yes/no/on/off read as
// booleans by one parser and as strings by the other. `make lint` also
// loads it with PyYAML when python3 has it.
func TestSpecIsPortableYAML(t *testing.T) {
	b, err := os.ReadFile("webadmit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v11, v12 any
	if err := yaml11.Unmarshal(b, &v11); err != nil {
		t.Fatalf("YAML 1.1 parser (as PyYAML): %v", err)
	}
	if err := yaml12.Unmarshal(b, &v12); err != nil {
		t.Fatalf("YAML 1.2 parser: %v", err)
	}
	diffYAML(t, "", normalizeYAML(v11), normalizeYAML(v12))
}

// normalizeYAML turns both parsers' output into the same Go types: maps
// keyed by strings, numbers as float64.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalizeYAML(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeYAML(e)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

// diffYAML reports every place where the two readings differ.
func diffYAML(t *testing.T, at string, a, b any) {
	t.Helper()
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if okA && okB {
		for k, va := range ma {
			vb, ok := mb[k]
			if !ok {
				t.Errorf("%s/%s: only the YAML 1.1 reading has it", at, k)
				continue
			}
			diffYAML(t, at+"/"+k, va, vb)
		}
		for k := range mb {
			if _, ok := ma[k]; !ok {
				t.Errorf("%s/%s: only the YAML 1.2 reading has it", at, k)
			}
		}
		return
	}
	la, okA := a.([]any)
	lb, okB := b.([]any)
	if okA && okB && len(la) == len(lb) {
		for i := range la {
			diffYAML(t, fmt.Sprintf("%s/%d", at, i), la[i], lb[i])
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: YAML 1.1 reads %#v (%T), YAML 1.2 reads %#v (%T): quote the value", at, a, a, b, b)
	}
}

// TestNullableHasType: in OpenAPI 3.0.3 `nullable: true` admits null only
// beside a `type` in the same schema; without one it does nothing, and
// validators other than kin-openapi (Redocly, Spectral, Prism) refuse the
// documented nulls. Checked here too, so `go test` catches it without Node.
func TestNullableHasType(t *testing.T) {
	b, err := os.ReadFile("webadmit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml12.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["nullable"] == true && x["type"] == nil {
				t.Errorf("%s: nullable without type", at)
			}
			for k, e := range x {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s/%d", at, i), e)
			}
		}
	}
	walk("", doc)
}
