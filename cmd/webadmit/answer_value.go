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
	var (
		in  generated.CustomFieldAnswerInput
		err error
	)
	bad := func(want string) error {
		return usagef("--value %q does not suit custom field %d (%s), a %s field: %s", raw, f.Id, f.Label, f.FieldType, want)
	}
	switch f.FieldType {
	case generated.CustomFieldTypeBoolean:
		var b bool
		switch strings.ToLower(raw) {
		case "true", "yes", "y", "1":
			b = true
		case "false", "no", "n", "0":
		default:
			return in, bad("give true or false")
		}
		err = in.FromBooleanAnswerInput(generated.BooleanAnswerInput{Value: &b})
	case generated.CustomFieldTypeNumber:
		n, perr := strconv.ParseFloat(raw, 64)
		if !decimalNumber.MatchString(raw) || perr != nil || math.IsInf(n, 0) {
			return in, bad("give a decimal number such as 11 or 11.5")
		}
		err = in.FromNumberAnswerInput(generated.NumberAnswerInput{Value: &n})
	case generated.CustomFieldTypeDate:
		if _, perr := time.Parse(time.DateOnly, raw); !isoDate.MatchString(raw) || perr != nil {
			return in, bad("give a date as YYYY-MM-DD, such as 2016-01-31")
		}
		err = in.FromDateAnswerInput(generated.DateAnswerInput{Value: &raw})
	case generated.CustomFieldTypeString:
		err = in.FromStringAnswerInput(generated.StringAnswerInput{Value: &raw})
	case generated.CustomFieldTypeSelect:
		options := listOrEmpty(f.Options)
		if !slices.Contains(options, raw) {
			want := "give one of its options: " + quotedList(options)
			if i := slices.IndexFunc(options, func(o string) bool { return strings.EqualFold(o, raw) }); i >= 0 {
				want = fmt.Sprintf("did you mean %q? Options are matched exactly: %s", options[i], quotedList(options))
			}
			return in, bad(want)
		}
		err = in.FromSelectAnswerInput(generated.SelectAnswerInput{Value: &raw})
	default:
		return in, fmt.Errorf("custom field %d (%s) has the type %q, which this webadmit does not know: use 'webadmit api -X PUT' with the body the API documents", f.Id, f.Label, f.FieldType)
	}
	return in, err
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
