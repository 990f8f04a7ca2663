package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

var (
	decimalNumber = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	isoDate       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// answerInput parses --value as an answer to the custom field f, shaped by
// its type, or says in the CLI's words why it cannot be one.
func answerInput(f generated.CustomField, raw string) (generated.CustomFieldAnswerInput, error) {
	var in generated.CustomFieldAnswerInput
	v, want := answerValue(f, raw)
	if want != "" {
		if v == nil && !knownFieldType(f.FieldType) {
			return in, fmt.Errorf("custom field %d (%s) has the type %q, which this webadmit does not know: use 'webadmit api -X PUT' with the body the API documents", f.Id, f.Label, f.FieldType)
		}
		return in, usagef("--value %q does not suit custom field %d (%s), a %s field: %s", raw, f.Id, f.Label, f.FieldType, want)
	}
	var err error
	switch v := v.(type) {
	case bool:
		err = in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: &v})
	case float64:
		err = in.FromNumberAnswerInput(generated.NumberAnswerInput{Value: &v})
	case string:
		switch f.FieldType {
		case generated.CustomFieldTypeDate:
			err = in.FromDateAnswerInput(generated.DateAnswerInput{Value: &v})
		case generated.CustomFieldTypeSelect:
			err = in.FromSelectAnswerInput(generated.SelectAnswerInput{Value: &v})
		default:
			err = in.FromStringAnswerInput(generated.StringAnswerInput{Value: &v})
		}
	}
	return in, err
}

// answerValue parses text as a value of the custom field f: a bool, a
// float64 or a string (a date as YYYY-MM-DD, a select field's option).
// When it cannot be one, want says what the field takes.
func answerValue(f generated.CustomField, raw string) (v any, want string) {
	switch f.FieldType {
	case generated.CustomFieldTypeBoolean:
		switch strings.ToLower(raw) {
		case "true", "yes", "y", "1":
			return true, ""
		case "false", "no", "n", "0":
			return false, ""
		}
		return nil, "give true or false"
	case generated.CustomFieldTypeNumber:
		n, err := strconv.ParseFloat(raw, 64)
		if !decimalNumber.MatchString(raw) || err != nil || math.IsInf(n, 0) {
			return nil, "give a decimal number such as 11 or 11.5"
		}
		return n, ""
	case generated.CustomFieldTypeDate, generated.CustomFieldTypeString, generated.CustomFieldTypeSelect:
		return raw, stringAnswerWant(f, raw)
	}
	return nil, fmt.Sprintf("its type %q is one this webadmit does not know", f.FieldType)
}

// stringAnswerWant says what a date or select field takes when raw is not
// one of its values, or "" when it is (any text suits a string field).
func stringAnswerWant(f generated.CustomField, raw string) string {
	switch f.FieldType {
	case generated.CustomFieldTypeDate:
		if _, err := time.Parse(time.DateOnly, raw); !isoDate.MatchString(raw) || err != nil {
			return "give a date as YYYY-MM-DD, such as 2016-01-31"
		}
	case generated.CustomFieldTypeSelect:
		options := listOrEmpty(f.Options)
		if !slices.Contains(options, raw) {
			if i := slices.IndexFunc(options, func(o string) bool { return strings.EqualFold(o, raw) }); i >= 0 {
				return fmt.Sprintf("did you mean %q? Options are matched exactly: %s", options[i], quotedList(options))
			}
			return "give one of its options: " + quotedList(options)
		}
	}
	return ""
}

// knownFieldType reports whether this webadmit knows the field type t.
func knownFieldType(t generated.CustomFieldType) bool {
	switch t {
	case generated.CustomFieldTypeBoolean, generated.CustomFieldTypeNumber, generated.CustomFieldTypeDate,
		generated.CustomFieldTypeString, generated.CustomFieldTypeSelect:
		return true
	}
	return false
}

// quotedList renders options as "A", "B", "C", or "(none)".
func quotedList(options []string) string {
	if len(options) == 0 {
		return "(none)"
	}
	q := make([]string, len(options))
	for i, o := range options {
		q[i] = strconv.Quote(o)
	}
	return strings.Join(q, ", ")
}

// answerView is what the CLI reads of an answer, whatever its field type:
// unknown types are shown, not refused.
type answerView struct {
	CustomFieldID int             `json:"custom_field_id"`
	Label         string          `json:"label"`
	FieldType     string          `json:"field_type"`
	Value         json.RawMessage `json:"value"`
}

// answerTable is the table of one answer; the value "-" when none is
// stored.
func answerTable(applicant string, ans generated.CustomFieldAnswer) (table, error) {
	raw, err := ans.MarshalJSON()
	if err != nil {
		return table{}, err
	}
	var v answerView
	if err := json.Unmarshal(raw, &v); err != nil {
		return table{}, fmt.Errorf("the API's answer is not the documented JSON: %w", err)
	}
	return table{
		header: []string{"APPLICANT", "FIELD ID", "LABEL", "TYPE", "VALUE"},
		rows:   [][]string{{applicant, strconv.Itoa(v.CustomFieldID), v.Label, v.FieldType, answerText(v.Value)}},
	}, nil
}

// answerText renders a JSON value for a table: strings unquoted, null "-".
func answerText(v json.RawMessage) string {
	var s string
	switch {
	case len(v) == 0, string(v) == "null":
		return "-"
	case json.Unmarshal(v, &s) == nil:
		return s
	}
	return string(v)
}
