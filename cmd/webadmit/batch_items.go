package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/webadmit-go/webadmit/generated"
)

// The formats of the two kinds of v2 batch, as the spec's
// DesignationBatchItem and CustomFieldAnswerBatchItem name their fields.
var (
	designationFormat = batchFormat{
		bodyKey:  "designations",
		fields:   []string{"applicant_cas_id", "decision_id"},
		required: []string{"applicant_cas_id", "decision_id"},
	}
	answerFormat = batchFormat{
		bodyKey:  "custom_field_answers",
		fields:   []string{"applicant_cas_id", "custom_field_id", "field_type", "value"},
		required: []string{"applicant_cas_id", "custom_field_id", "value"},
	}
)

// casID reads an item's applicant_cas_id: a CSV cell, or a JSON string.
func (it inputItem) casID(p *problems) (string, bool) {
	const name = "applicant_cas_id"
	var s string
	if it.text != nil {
		s = it.text[name]
	} else if raw, ok := it.values[name]; !ok || json.Unmarshal(raw, &s) != nil {
		if !ok {
			p.addf(it.where, "no %s", name)
		} else {
			p.addf(it.where, "%s must be a string such as \"1000002\", not %s", name, jsonKindOf(raw))
		}
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		p.addf(it.where, "no %s (the applicant's CAS ID)", name)
		return "", false
	}
	return strings.TrimSpace(s), true
}

// id reads an item's field name as a positive whole number: a CSV cell, or
// a JSON number.
func (it inputItem) id(name string, p *problems) (int, bool) {
	var (
		n   int64
		err error
	)
	if it.text != nil {
		text := it.text[name]
		if text == "" {
			p.addf(it.where, "no %s", name)
			return 0, false
		}
		if n, err = strconv.ParseInt(text, 10, 0); err != nil {
			p.addf(it.where, "%s %q is not a whole number", name, text)
			return 0, false
		}
	} else {
		raw, ok := it.values[name]
		if !ok {
			p.addf(it.where, "no %s", name)
			return 0, false
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var num json.Number
		if jsonKindOf(raw) != "a number" || dec.Decode(&num) != nil {
			p.addf(it.where, "%s must be a number, not %s", name, jsonKindOf(raw))
			return 0, false
		}
		if n, err = num.Int64(); err != nil {
			p.addf(it.where, "%s %s is not a whole number", name, num)
			return 0, false
		}
	}
	if n <= 0 || n > int64(^uint32(0)>>1) {
		p.addf(it.where, "%s %d is not an id", name, n)
		return 0, false
	}
	return int(n), true
}

// designationItems checks the items of a designation batch against the
// identity's decisions.
func designationItems(items []inputItem, decisions []generated.Decision, identity int, p *problems) []generated.DesignationBatchItem {
	known := map[int]bool{}
	for _, d := range decisions {
		known[d.Id] = true
	}
	seen := map[string]string{}
	var out []generated.DesignationBatchItem
	for _, it := range items {
		cas, okCas := it.casID(p)
		decision, okDecision := it.id("decision_id", p)
		if okDecision && !known[decision] {
			p.addf(it.where, "decision %d is not one of user identity %d's decisions", decision, identity)
			p.advise(fmt.Sprintf("'webadmit decisions --identity %d' lists them", identity))
			okDecision = false
		}
		if okCas {
			if prev, dup := seen[cas]; dup {
				p.addf(it.where, "applicant %s is also on %s: the API would apply only the last", cas, prev)
				okCas = false
			} else {
				seen[cas] = it.where
			}
		}
		if okCas && okDecision {
			out = append(out, generated.DesignationBatchItem{ApplicantCasId: cas, DecisionId: decision})
		}
	}
	return out
}

// answerItems checks the items of a custom field answer batch against the
// program's custom fields: each value must suit its field's type, as
// 'answers set' checks --value. A CSV value of null, or a JSON null,
// clears the answer.
func answerItems(items []inputItem, fields []generated.CustomField, identity int, program int64, p *problems) []generated.CustomFieldAnswerBatchItem {
	byID := map[int]generated.CustomField{}
	for _, f := range fields {
		byID[f.Id] = f
	}
	type target struct {
		cas   string
		field int
	}
	seen := map[target]string{}
	var out []generated.CustomFieldAnswerBatchItem
	for _, it := range items {
		cas, okCas := it.casID(p)
		id, ok := it.id("custom_field_id", p)
		if !ok {
			continue
		}
		f, known := byID[id]
		if !known {
			p.addf(it.where, "custom field %d is not one of program %d's custom fields", id, program)
			p.advise(fmt.Sprintf("'webadmit custom-fields --identity %d --program %d' lists them", identity, program))
			continue
		}
		if !it.fieldType(f, p) {
			continue
		}
		value, ok := it.answer(f, p)
		if !ok || !okCas {
			continue
		}
		if prev, dup := seen[target{cas, id}]; dup {
			p.addf(it.where, "applicant %s's answer to custom field %d is also on %s: the API would apply only the last", cas, id, prev)
			continue
		}
		seen[target{cas, id}] = it.where
		out = append(out, generated.CustomFieldAnswerBatchItem{ApplicantCasId: cas, CustomFieldId: id, FieldType: f.FieldType, Value: value})
	}
	return out
}

// fieldType checks an item's field_type, if it gives one, against the
// field's.
func (it inputItem) fieldType(f generated.CustomField, p *problems) bool {
	if !knownFieldType(f.FieldType) {
		p.addf(it.where, "custom field %d (%s) has the type %q, which this webadmit does not know: use 'webadmit api' with the body the API documents", f.Id, f.Label, f.FieldType)
		return false
	}
	if !it.has("field_type") {
		return true
	}
	var given string
	if it.text != nil {
		given = it.text["field_type"]
	} else if json.Unmarshal(it.values["field_type"], &given) != nil {
		p.addf(it.where, "field_type must be a string such as %q", f.FieldType)
		return false
	}
	if given != "" && given != string(f.FieldType) {
		p.addf(it.where, "field_type %q, but custom field %d (%s) is a %s field", given, f.Id, f.Label, f.FieldType)
		return false
	}
	return true
}

// answer reads an item's value as an answer to f: nil clears the answer.
func (it inputItem) answer(f generated.CustomField, p *problems) (*generated.CustomFieldAnswerValue, bool) {
	var v any
	if it.text != nil {
		text := it.text["value"]
		switch text {
		case "":
			p.addf(it.where, "no value for custom field %d (%s): write null to clear the answer", f.Id, f.Label)
			return nil, false
		case "null":
			return nil, true
		}
		var want string
		if v, want = answerValue(f, text); want != "" {
			p.addf(it.where, "value %q does not suit custom field %d (%s), a %s field: %s", text, f.Id, f.Label, f.FieldType, want)
			return nil, false
		}
	} else {
		raw := it.values["value"]
		if err := json.Unmarshal(raw, &v); err != nil {
			p.addf(it.where, "value is not JSON: %v", err)
			return nil, false
		}
		if v == nil {
			return nil, true
		}
		if want := jsonAnswerWant(f, v); want != "" {
			p.addf(it.where, "value %s does not suit custom field %d (%s), a %s field: %s", bytes.TrimSpace(raw), f.Id, f.Label, f.FieldType, want)
			return nil, false
		}
	}
	var (
		out generated.CustomFieldAnswerValue
		err error
	)
	switch v := v.(type) {
	case bool:
		err = out.FromBooleanAnswerValue(v)
	case float64:
		err = out.FromNumberAnswerValue(v)
	case string:
		err = out.FromStringAnswerValue(v)
	}
	if err != nil {
		p.addf(it.where, "value: %v", err)
		return nil, false
	}
	return &out, true
}

// jsonAnswerWant says what the field f takes when the JSON value v does
// not suit it, or "".
func jsonAnswerWant(f generated.CustomField, v any) string {
	switch v := v.(type) {
	case bool:
		if f.FieldType == generated.CustomFieldTypeBoolean {
			return ""
		}
	case float64:
		if f.FieldType == generated.CustomFieldTypeNumber {
			return ""
		}
	case string:
		switch f.FieldType {
		case generated.CustomFieldTypeDate, generated.CustomFieldTypeString, generated.CustomFieldTypeSelect:
			return stringAnswerWant(f, v)
		}
	}
	switch f.FieldType {
	case generated.CustomFieldTypeBoolean:
		return "give true or false (JSON booleans), or null"
	case generated.CustomFieldTypeNumber:
		return "give a JSON number such as 11.5, or null"
	case generated.CustomFieldTypeDate:
		return `give a date as a string "YYYY-MM-DD", or null`
	case generated.CustomFieldTypeSelect:
		return "give one of its options as a string: " + quotedList(listOrEmpty(f.Options))
	}
	return "give a string, or null"
}
