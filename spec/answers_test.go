package spec_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
)

func ptr[T any](v T) *T { return &v }

// TestCustomFieldAnswerVariants: each field type decodes into its own Go
// type through ValueByDiscriminator, with its value typed (nil for null).
func TestCustomFieldAnswerVariants(t *testing.T) {
	t.Parallel()
	const href = "/api/v1/user_identities/1/programs/42023191739237/applicants_by_cas_id/3/custom_field_answers/4"
	tests := []struct {
		fieldType, value string
		want             any
	}{
		{"boolean", "false", generated.BooleanAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "boolean", Value: ptr(false)}},
		{"number", "11.5", generated.NumberAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "number", Value: ptr(11.5)}},
		{"date", `"2016-01-31"`, generated.DateAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "date", Value: ptr("2016-01-31")}},
		{"string", `"000-0-0768"`, generated.StringAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "string", Value: ptr("000-0-0768")}},
		{"select", `"Gryffindor"`, generated.SelectAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "select", Value: ptr("Gryffindor")}},
		{"select", "null", generated.SelectAnswer{Href: href, CustomFieldId: 4, Label: "L", FieldType: "select"}},
	}
	schema := loadSpec(t).Components.Schemas["CustomFieldAnswerEnvelope"].Value
	for _, tt := range tests {
		t.Run(tt.fieldType+"="+tt.value, func(t *testing.T) {
			body := fmt.Sprintf(`{"custom_field_answer":{"href":%q,"custom_field_id":4,"label":"L","field_type":%q,"value":%s}}`, href, tt.fieldType, tt.value)
			var raw any
			if err := json.Unmarshal([]byte(body), &raw); err != nil {
				t.Fatal(err)
			}
			if err := schema.VisitJSON(raw); err != nil {
				t.Fatalf("spec rejects %s: %v", body, err)
			}
			var env generated.CustomFieldAnswerEnvelope
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatal(err)
			}
			got, err := env.CustomFieldAnswer.ValueByDiscriminator()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ValueByDiscriminator = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// TestStoreCustomFieldAnswerRequest: the From… constructors set field_type,
// and the spec accepts what they build and refuses mismatched types.
func TestStoreCustomFieldAnswerRequest(t *testing.T) {
	t.Parallel()
	schema := loadSpec(t).Components.Schemas["StoreCustomFieldAnswerRequest"].Value
	build := func(from func(*generated.CustomFieldAnswerInput) error) []byte {
		t.Helper()
		var in generated.CustomFieldAnswerInput
		if err := from(&in); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(generated.StoreCustomFieldAnswerRequest{CustomFieldAnswer: in})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		body []byte
		want string
		ok   bool
	}{
		{"boolean", build(func(in *generated.CustomFieldAnswerInput) error {
			return in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: ptr(true)})
		}), `{"custom_field_answer":{"field_type":"boolean","value":true}}`, true},
		{"date", build(func(in *generated.CustomFieldAnswerInput) error {
			return in.FromDateAnswerInput(generated.DateAnswerInput{Value: ptr("2016-01-31")})
		}), `{"custom_field_answer":{"field_type":"date","value":"2016-01-31"}}`, true},
		{"select cleared", build(func(in *generated.CustomFieldAnswerInput) error {
			return in.FromSelectAnswerInput(generated.SelectAnswerInput{})
		}), `{"custom_field_answer":{"field_type":"select","value":null}}`, true},
		{"date in the wrong form", build(func(in *generated.CustomFieldAnswerInput) error {
			return in.FromDateAnswerInput(generated.DateAnswerInput{Value: ptr("31/01/2016")})
		}), `{"custom_field_answer":{"field_type":"date","value":"31/01/2016"}}`, false},
		{"boolean field with a string", []byte(`{"custom_field_answer":{"field_type":"boolean","value":"yes"}}`), "", false},
		{"unknown field type", []byte(`{"custom_field_answer":{"field_type":"color","value":"red"}}`), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want != "" && string(tt.body) != tt.want {
				t.Errorf("body = %s, want %s", tt.body, tt.want)
			}
			var v any
			if err := json.Unmarshal(tt.body, &v); err != nil {
				t.Fatal(err)
			}
			if err := schema.VisitJSON(v); (err == nil) != tt.ok {
				t.Errorf("spec accepts %s: %v, want %v (%v)", tt.body, err == nil, tt.ok, err)
			}
		})
	}
}

// TestCustomFieldAnswerValue: the v2 batch value is a boolean, number or
// string, or null, read with the accessor of its field type.
func TestCustomFieldAnswerValue(t *testing.T) {
	t.Parallel()
	schema := loadSpec(t).Components.Schemas["CustomFieldAnswerBatchItem"].Value
	tests := []struct {
		fieldType, value string
		ok               bool
		read             func(generated.CustomFieldAnswerValue) (any, error)
		want             any
	}{
		{"boolean", "false", true, func(v generated.CustomFieldAnswerValue) (any, error) { return v.AsBooleanAnswerValue() }, false},
		{"number", "11.0", true, func(v generated.CustomFieldAnswerValue) (any, error) { return v.AsNumberAnswerValue() }, 11.0},
		{"select", `"Gryffindor"`, true, func(v generated.CustomFieldAnswerValue) (any, error) { return v.AsStringAnswerValue() }, "Gryffindor"},
		{"date", "null", true, nil, nil},
		{"string", `{"x":1}`, false, nil, nil},
		{"string", `[1]`, false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.fieldType+"="+tt.value, func(t *testing.T) {
			body := fmt.Sprintf(`{"applicant_cas_id":"1","custom_field_id":4,"field_type":%q,"value":%s}`, tt.fieldType, tt.value)
			var raw any
			if err := json.Unmarshal([]byte(body), &raw); err != nil {
				t.Fatal(err)
			}
			if err := schema.VisitJSON(raw); (err == nil) != tt.ok {
				t.Fatalf("spec accepts %s: %v, want %v (%v)", body, err == nil, tt.ok, err)
			}
			if !tt.ok {
				return
			}
			var item generated.CustomFieldAnswerBatchItem
			if err := json.Unmarshal([]byte(body), &item); err != nil {
				t.Fatal(err)
			}
			if tt.read == nil {
				if item.Value != nil {
					t.Errorf("null value decoded as %s", *item.Value)
				}
				return
			}
			got, err := tt.read(*item.Value)
			if err != nil || got != tt.want {
				t.Errorf("value = %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}

// TestDesignationUpdateSendsNull: a nil DecisionId is sent as null, which
// clears the decision, rather than left out.
func TestDesignationUpdateSendsNull(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   generated.DesignationUpdate
		want string
	}{
		{generated.DesignationUpdate{}, `{"designation":{"decision_id":null}}`},
		{generated.DesignationUpdate{DecisionId: ptr(43)}, `{"designation":{"decision_id":43}}`},
	} {
		b, err := json.Marshal(generated.UpdateDesignationRequest{Designation: tt.in})
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("body = %s, want %s", b, tt.want)
		}
	}
}
