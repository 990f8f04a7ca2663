package docscheck

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestPageKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // kinds.String(), "" when not understood
	}{
		{"string", "string"},
		{"nullable string", "nullable string"},
		{"date-time", "date-time"},
		{"uri", "uri"},
		{"nullable array", "nullable array"},
		{"nullable object", "nullable object"},
		{"nullable [boolean, string, number, date, select]", "nullable [boolean, number, string]"},
		{"[integer, number]", "number"},
		{"decimal", ""},
		{"nullable", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, ok := pageKinds(tt.in)
			if got := map[bool]string{true: k.String(), false: ""}[ok]; got != tt.want {
				t.Errorf("pageKinds(%q) = %q (ok %v), want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestSpecKindsAndCovers(t *testing.T) {
	t.Parallel()
	str := &openapi3.Schema{Type: &openapi3.Types{"string"}}
	nullableNum := &openapi3.Schema{Type: &openapi3.Types{"number"}, Nullable: true}
	dateTime := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date-time"}
	union := &openapi3.Schema{Nullable: true, OneOf: openapi3.SchemaRefs{
		{Value: &openapi3.Schema{Type: &openapi3.Types{"boolean"}}},
		{Value: &openapi3.Schema{Type: &openapi3.Types{"number"}}},
		{Value: str},
	}}
	nullableRef := &openapi3.Schema{Nullable: true, AllOf: openapi3.SchemaRefs{{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}}}}}
	tests := []struct {
		name     string
		spec     *openapi3.Schema
		page     string
		equal    bool
		covering bool
	}{
		{"same", str, "string", true, true},
		{"spec nullable, page not", nullableNum, "number", false, true},
		{"page nullable, spec not", str, "nullable string", false, false},
		{"integer within number", nullableNum, "nullable integer", false, true},
		{"number not within integer", &openapi3.Schema{Type: &openapi3.Types{"integer"}}, "number", false, false},
		{"format on both", dateTime, "date-time", true, true},
		{"plain string admits a format", str, "date-time", false, true},
		{"a format does not admit plain string", dateTime, "string", false, false},
		{"union", union, "nullable [boolean, string, number, date, select]", true, true},
		{"union admits one member", union, "string", false, true},
		{"nullable allOf ref", nullableRef, "nullable object", true, true},
		{"no type admits all", &openapi3.Schema{}, "boolean", false, true},
		{"type changed", str, "integer", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pk, ok := pageKinds(tt.page)
			if !ok {
				t.Fatalf("page type %q not understood", tt.page)
			}
			sk := specKinds(tt.spec)
			if got := sk.equal(pk); got != tt.equal {
				t.Errorf("equal(%s, %s) = %v", sk, pk, got)
			}
			if got := covers(sk, pk); got != tt.covering {
				t.Errorf("covers(%s, %s) = %v", sk, pk, got)
			}
		})
	}
}
