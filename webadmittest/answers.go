package webadmittest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// normalizeValue turns the integers a caller may write in Applicant.Answers
// into the float64 that JSON numbers decode to.
func normalizeValue(v any) any {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	}
	return v
}

// checkAnswer says why value, sent with fieldType, cannot answer field f:
// the key of the error ("field_type" or "value") and its message, or two
// empty strings when it can. A nil value (clearing the answer) always can.
func checkAnswer(f *CustomField, fieldType generated.CustomFieldType, value any) (key, msg string) {
	if fieldType != f.Type {
		return "field_type", fmt.Sprintf("%q does not match the custom field's type %q", fieldType, f.Type)
	}
	value = normalizeValue(value)
	if value == nil {
		return "", ""
	}
	switch f.Type {
	case generated.CustomFieldTypeBoolean:
		if _, ok := value.(bool); !ok {
			return "value", fmt.Sprintf("%v is not a boolean", value)
		}
	case generated.CustomFieldTypeNumber:
		if _, ok := value.(float64); !ok {
			return "value", fmt.Sprintf("%v is not a number", value)
		}
	case generated.CustomFieldTypeDate:
		s, ok := value.(string)
		if _, err := time.Parse(time.DateOnly, s); !ok || !datePattern.MatchString(s) || err != nil {
			return "value", fmt.Sprintf("%q is not an ISO 8601 date (YYYY-MM-DD)", fmt.Sprint(value))
		}
	case generated.CustomFieldTypeString:
		if _, ok := value.(string); !ok {
			return "value", fmt.Sprintf("%v is not a string", value)
		}
	case generated.CustomFieldTypeSelect:
		s, ok := value.(string)
		if !ok || !slices.Contains(f.Options, s) {
			return "value", fmt.Sprintf("%q is not a valid option (expected %s)", fmt.Sprint(value), optionList(f.Options))
		}
	}
	return "", ""
}

// optionList writes options as the docs' 422 message does:
// "A", "B", or "C".
func optionList(options []string) string {
	q := make([]string, len(options))
	for i, o := range options {
		q[i] = fmt.Sprintf("%q", o)
	}
	switch len(q) {
	case 0:
		return "no options"
	case 1:
		return q[0]
	case 2:
		return q[0] + " or " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + ", or " + q[len(q)-1]
}

// answerHref is the path of an applicant's answer to a field.
func answerHref(identityID int, programID int64, casID string, fieldID int) string {
	return fmt.Sprintf("/api/v1/user_identities/%d/programs/%d/applicants_by_cas_id/%s/custom_field_answers/%d",
		identityID, programID, casID, fieldID)
}

// answerModel is the API's answer to field f holding value (nil for none),
// in the shape of the field's type.
func answerModel(href string, f *CustomField, value any) (generated.CustomFieldAnswer, error) {
	var out generated.CustomFieldAnswer
	var err error
	switch f.Type {
	case generated.CustomFieldTypeBoolean:
		a := generated.BooleanAnswer{Href: href, CustomFieldId: f.ID, Label: f.Label}
		if b, ok := value.(bool); ok {
			a.Value = &b
		}
		err = out.FromBooleanAnswer(a)
	case generated.CustomFieldTypeNumber:
		a := generated.NumberAnswer{Href: href, CustomFieldId: f.ID, Label: f.Label}
		if n, ok := value.(float64); ok {
			a.Value = &n
		}
		err = out.FromNumberAnswer(a)
	case generated.CustomFieldTypeDate:
		a := generated.DateAnswer{Href: href, CustomFieldId: f.ID, Label: f.Label}
		if s, ok := value.(string); ok {
			a.Value = &s
		}
		err = out.FromDateAnswer(a)
	case generated.CustomFieldTypeString:
		a := generated.StringAnswer{Href: href, CustomFieldId: f.ID, Label: f.Label}
		if s, ok := value.(string); ok {
			a.Value = &s
		}
		err = out.FromStringAnswer(a)
	default:
		a := generated.SelectAnswer{Href: href, CustomFieldId: f.ID, Label: f.Label}
		if s, ok := value.(string); ok {
			a.Value = &s
		}
		err = out.FromSelectAnswer(a)
	}
	return out, err
}

// inputAnswer reads a PUT body's answer: its field type and value (nil to
// clear).
func inputAnswer(in generated.CustomFieldAnswerInput) (generated.CustomFieldType, any, error) {
	typed, err := in.ValueByDiscriminator()
	if err != nil {
		return "", nil, err
	}
	switch a := typed.(type) {
	case generated.BooleanAnswerInput:
		if a.Value == nil {
			return generated.CustomFieldTypeBoolean, nil, nil
		}
		return generated.CustomFieldTypeBoolean, *a.Value, nil
	case generated.NumberAnswerInput:
		if a.Value == nil {
			return generated.CustomFieldTypeNumber, nil, nil
		}
		return generated.CustomFieldTypeNumber, *a.Value, nil
	case generated.DateAnswerInput:
		if a.Value == nil {
			return generated.CustomFieldTypeDate, nil, nil
		}
		return generated.CustomFieldTypeDate, *a.Value, nil
	case generated.StringAnswerInput:
		if a.Value == nil {
			return generated.CustomFieldTypeString, nil, nil
		}
		return generated.CustomFieldTypeString, *a.Value, nil
	case generated.SelectAnswerInput:
		if a.Value == nil {
			return generated.CustomFieldTypeSelect, nil, nil
		}
		return generated.CustomFieldTypeSelect, *a.Value, nil
	}
	return "", nil, fmt.Errorf("answer of unknown shape %T", typed)
}

// batchValue decodes a v2 batch item's value: nil, bool, float64 or string.
func batchValue(v *generated.CustomFieldAnswerValue) (any, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}
