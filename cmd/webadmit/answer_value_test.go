package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
)

func TestAnswerInput(t *testing.T) {
	t.Parallel()
	options := []string{"Boston", "Denver", "Remote"}
	field := func(typ generated.CustomFieldType) generated.CustomField {
		f := generated.CustomField{Id: 5, Label: "A field", FieldType: typ}
		if typ == generated.CustomFieldTypeSelect {
			f.Options = &options
		}
		return f
	}
	tests := []struct {
		typ   generated.CustomFieldType
		value string
		want  string // the JSON sent; or, starting with "!", a part of the usage error
	}{
		{generated.CustomFieldTypeBoolean, "true", `{"field_type":"boolean","value":true}`},
		{generated.CustomFieldTypeBoolean, "No", `{"field_type":"boolean","value":false}`},
		{generated.CustomFieldTypeBoolean, "0", `{"field_type":"boolean","value":false}`},
		{generated.CustomFieldTypeBoolean, "maybe", "!give true or false"},
		{generated.CustomFieldTypeBoolean, "", "!give true or false"},
		{generated.CustomFieldTypeNumber, "11", `{"field_type":"number","value":11}`},
		{generated.CustomFieldTypeNumber, "-0.5", `{"field_type":"number","value":-0.5}`},
		{generated.CustomFieldTypeNumber, ".5", `{"field_type":"number","value":0.5}`},
		{generated.CustomFieldTypeNumber, "1e400", "!decimal number"},
		{generated.CustomFieldTypeNumber, "Inf", "!decimal number"},
		{generated.CustomFieldTypeNumber, "1_000", "!decimal number"},
		{generated.CustomFieldTypeNumber, "eleven", "!decimal number"},
		{generated.CustomFieldTypeDate, "2016-01-31", `{"field_type":"date","value":"2016-01-31"}`},
		{generated.CustomFieldTypeDate, "2016-1-31", "!YYYY-MM-DD"},
		{generated.CustomFieldTypeDate, "2016-13-01", "!YYYY-MM-DD"},
		{generated.CustomFieldTypeDate, "2016-01-31T00:00:00Z", "!YYYY-MM-DD"},
		{generated.CustomFieldTypeString, "", `{"field_type":"string","value":""}`},
		{generated.CustomFieldTypeString, "true", `{"field_type":"string","value":"true"}`},
		{generated.CustomFieldTypeSelect, "Denver", `{"field_type":"select","value":"Denver"}`},
		{generated.CustomFieldTypeSelect, "denver", `!did you mean "Denver"?`},
		{generated.CustomFieldTypeSelect, "Mars", `!"Boston", "Denver", "Remote"`},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+" "+tt.value, func(t *testing.T) {
			t.Parallel()
			in, err := answerInput(field(tt.typ), tt.value)
			if msg, bad := strings.CutPrefix(tt.want, "!"); bad {
				var u usageError
				if !errors.As(err, &u) || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "custom field 5 (A field)") {
					t.Errorf("err = %v, want a usage error naming the field and saying %q", err, msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(in)
			if string(got) != tt.want {
				t.Errorf("sent %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := answerInput(generated.CustomField{Id: 6, Label: "New", FieldType: "multi_select"}, "x"); err == nil || !strings.Contains(err.Error(), "webadmit api") {
		t.Errorf("an unknown field type: %v", err)
	}
}

func TestAnswerText(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{"null": "-", "": "-", `"x y"`: "x y", "true": "true", "27": "27", "31.5": "31.5"} {
		if got := answerText(json.RawMessage(raw)); got != want {
			t.Errorf("answerText(%s) = %q, want %q", raw, got, want)
		}
	}
}
