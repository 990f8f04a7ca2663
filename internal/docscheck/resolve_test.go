package docscheck

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	envelope := spec.doc.Components.Schemas["WidgetEnvelope"].Value
	pickRound := func(p string) string {
		if p == "shape" {
			return "round"
		}
		return ""
	}
	tests := []struct {
		name  string
		attr  string
		pick  picker
		types []string // specKinds of each hit, in branch order
	}{
		{"both branches without a pick", "widget:size", noPick, []string{"nullable number", "nullable string"}},
		{"discriminator picks the round branch", "widget:size", pickRound, []string{"nullable number"}},
		{"'/' and ':' both step down", "widget/size", pickRound, []string{"nullable number"}},
		{"property of one branch only", "widget:updated_at", noPick, []string{"date-time"}},
		{"unknown property", "widget:colour", noPick, nil},
		{"unknown root", "gadget:size", noPick, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := strings.FieldsFunc(tt.attr, func(r rune) bool { return r == ':' || r == '/' })
			hits := resolve(envelope, names, tt.pick)
			var got []string
			for _, h := range hits {
				got = append(got, specKinds(h.schema).String())
				if strings.Join(h.path, ".") != strings.Join(names, ".") {
					t.Errorf("path = %v", h.path)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.types, "|") {
				t.Errorf("hits = %q, want %q", got, tt.types)
			}
		})
	}
}

func TestFooterTargets(t *testing.T) {
	t.Parallel()
	pages := parseAll(t, writePages(t, map[string]string{
		"designation.md":                page("D", linkSection("GET", "/d", "D Show", section("Not Found"))),
		"batch_designations.md":         page("BD", linkSection("GET", "/bd", "BD Show")),
		"batch_custom_field_answers.md": page("BC", linkSection("GET", "/bc", "BC Show")),
		"program.md":                    page("P", linkSection("GET", "/p", "P List"), section("Not Found")),
	}))
	tests := []struct {
		footer string
		head   string
		want   string
	}{
		{"designation_errors.md", "Errors", "designation.md"},
		{"designation_not_found.md", "Not Found", "designation.md"},
		{"batch_not_found_errors.md", "Not Found", "batch_custom_field_answers.md batch_designations.md"},
		{"not_found.md", "Not Found", "designation.md program.md"},
		{"unauthorized.md", "Unauthorized", ""},
		{"ssn_forbidden.md", "Forbidden", ""},
	}
	for _, tt := range tests {
		t.Run(tt.footer, func(t *testing.T) {
			f := parseAll(t, writePages(t, map[string]string{tt.footer: "### " + tt.head + "\n\n```json\n{}\n```\n"}))[0]
			var got []string
			for _, p := range footerTargets(f, pages) {
				got = append(got, p.File)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("targets = %q, want %q", got, tt.want)
			}
		})
	}
}
