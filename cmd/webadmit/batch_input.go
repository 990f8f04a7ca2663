package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// inputItem is one item of a batch's --input, before it is checked: its
// fields by name, as CSV text or as JSON values, and where it is.
type inputItem struct {
	where  string                     // "line 3", or "line 4 (item 2)" in JSON
	text   map[string]string          // a CSV row's cells, trimmed; nil for JSON
	values map[string]json.RawMessage // a JSON item's fields; nil for CSV
}

// has reports whether the item gives the field name (a CSV cell may be
// empty).
func (it inputItem) has(name string) bool {
	if it.text != nil {
		_, ok := it.text[name]
		return ok
	}
	_, ok := it.values[name]
	return ok
}

// batchFormat is what a kind of batch reads: the key of the API's body,
// its fields, and those an item must give.
type batchFormat struct {
	bodyKey  string   // "designations": {"designations": [...]}
	fields   []string // every field an item may give, in the order help shows them
	required []string
}

// problems are what is wrong with a batch's input, one line each, and the
// advice for them, said once.
type problems struct {
	lines  []string
	advice []string
}

// addf adds a problem of the item at where.
func (p *problems) addf(where, format string, args ...any) {
	p.lines = append(p.lines, where+": "+fmt.Sprintf(format, args...))
}

// advise adds advice, once.
func (p *problems) advise(s string) {
	if !slices.Contains(p.advice, s) {
		p.advice = append(p.advice, s)
	}
}

// maxProblemLines is how many problems an error shows.
const maxProblemLines = 20

// err is the usage error that reports the problems of --input name:
// nothing was sent. Each problem stands on a line of its own, sorted by
// line. nil when there are none.
func (p *problems) err(name string) error {
	if len(p.lines) == 0 {
		return nil
	}
	head := fmt.Sprintf("--input %s: %s, so nothing was sent", name, count(len(p.lines), "problem"))
	if len(p.advice) > 0 {
		head += " (" + strings.Join(p.advice, "; ") + ")"
	}
	lines := slices.Clone(p.lines)
	slices.SortStableFunc(lines, func(x, y string) int { return lineOf(x) - lineOf(y) })
	if len(lines) > maxProblemLines {
		lines = append(lines[:maxProblemLines], fmt.Sprintf("and %d more", len(p.lines)-maxProblemLines))
	}
	return usageError{detailed{errors.New(head), lines}}
}

// lineOf is the line a problem names ("line 12: ..."), or 0.
func lineOf(problem string) int {
	var n int
	_, _ = fmt.Sscanf(problem, "line %d", &n)
	return n
}

// detailed is an error whose details the CLI prints below it, one per
// line, indented.
type detailed struct {
	err     error
	details []string
}

// Error is the first line of the message.
func (e detailed) Error() string { return e.err.Error() }

// Unwrap returns the error the lines add to.
func (e detailed) Unwrap() error { return e.err }

// readBatchInput reads a batch's items from name, a file or "-" for stdin:
// CSV whose header row names the fields, or JSON, an array of items or the
// API's body. A name ending .csv or .json says which; otherwise the first
// character does. The items are not checked beyond the form of the file:
// problems lists what is wrong with it.
func readBatchInput(name string, f batchFormat) ([]inputItem, *problems, error) {
	b, err := readFileOrStdin(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, usagef("--input %s: %v", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF")) // a spreadsheet's byte order mark
	trimmed := bytes.TrimSpace(b)
	p := &problems{}
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case len(trimmed) == 0:
		return nil, nil, usagef("--input %s is empty", inputName(name))
	case ext == ".json", ext != ".csv" && (trimmed[0] == '[' || trimmed[0] == '{'):
		return readJSONItems(b, f, p), p, nil
	}
	return readCSVItems(b, f, p), p, nil
}

// inputName names --input in messages.
func inputName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// readCSVItems reads CSV: a header row of field names, then one item per
// row. Rows whose cells are all empty are skipped.
func readCSVItems(b []byte, f batchFormat, p *problems) []inputItem {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		p.addf("line 1", "not a CSV header row: %v", csvReason(err))
		return nil
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		header[i] = h
		switch {
		case !slices.Contains(f.fields, h):
			p.addf("line 1", "unknown column %q: the columns are %s", h, strings.Join(f.fields, ", "))
		case slices.Index(header, h) < i:
			p.addf("line 1", "column %q appears twice", h)
		}
	}
	for _, want := range f.required {
		if !slices.Contains(header, want) {
			p.addf("line 1", "no %s column (the header row names the fields: %s)", want, strings.Join(f.fields, ","))
		}
	}
	if len(p.lines) > 0 {
		return nil
	}
	var items []inputItem
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return items
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.addf(fmt.Sprintf("line %d", pe.Line), "%v", csvReason(err))
			} else {
				p.addf("--input", "%v", err)
			}
			return items
		}
		line, _ := r.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		if len(rec) != len(header) {
			p.addf(where, "%s, but the header row has %d", count(len(rec), "field"), len(header))
			continue
		}
		it := inputItem{where: where, text: map[string]string{}}
		for i, c := range rec {
			it.text[header[i]] = strings.TrimSpace(c)
		}
		items = append(items, it)
	}
}

// csvReason is a CSV error without its position, which the line says.
func csvReason(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	if errors.Is(err, io.EOF) {
		return errors.New("the file is empty")
	}
	return err
}

// readJSONItems reads JSON: an array of items, or the API's body, an object
// whose one key (f.bodyKey) holds the array.
func readJSONItems(b []byte, f batchFormat, p *problems) []inputItem {
	dec := json.NewDecoder(bytes.NewReader(b))
	syntax := func(err error) {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			p.addf(fmt.Sprintf("line %d", lineAt(b, int(se.Offset))), "not valid JSON: %v", err)
			return
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			p.addf(fmt.Sprintf("line %d", lineAt(b, len(bytes.TrimRight(b, " \t\r\n")))), "the JSON ends before its last item or list does")
			return
		}
		p.addf(fmt.Sprintf("line %d", lineAt(b, int(dec.InputOffset()))), "not valid JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	expect := fmt.Sprintf(`an array of items, or {"%s": [...]}`, f.bodyKey)
	tok, err := dec.Token()
	if err != nil {
		syntax(err)
		return nil
	}
	inBody := tok == json.Delim('{')
	if inBody {
		key, err := dec.Token()
		if err != nil {
			syntax(err)
			return nil
		}
		if key != f.bodyKey {
			p.addf(fmt.Sprintf("line %d", lineAt(b, int(dec.InputOffset()))), "the JSON must be %s, not an object with %q", expect, key)
			return nil
		}
		if tok, err = dec.Token(); err != nil {
			syntax(err)
			return nil
		}
	}
	if tok != json.Delim('[') {
		p.addf("line 1", "the JSON must be %s", expect)
		return nil
	}
	var items []inputItem
	for n := 1; dec.More(); n++ {
		where := fmt.Sprintf("line %d (item %d)", lineAt(b, valueStart(b, int(dec.InputOffset()))), n)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			syntax(err)
			return items
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil || fields == nil {
			p.addf(where, "an item must be an object such as {%s}, not %s", exampleItem(f), jsonKindOf(raw))
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			if !slices.Contains(f.fields, k) {
				p.addf(where, "unknown field %q: the fields are %s", k, strings.Join(f.fields, ", "))
			}
		}
		items = append(items, inputItem{where: where, values: fields})
	}
	if _, err := dec.Token(); err != nil { // ]
		syntax(err)
	} else if inBody {
		if tok, err := dec.Token(); err != nil {
			syntax(err)
		} else if tok != json.Delim('}') {
			p.addf(fmt.Sprintf("line %d", lineAt(b, int(dec.InputOffset()))), "the JSON must be %s, with no other key", expect)
		}
	}
	return items
}

// exampleItem is an item's fields, for a message: "applicant_cas_id: ...".
func exampleItem(f batchFormat) string {
	q := make([]string, len(f.required))
	for i, k := range f.required {
		q[i] = fmt.Sprintf("%q: ...", k)
	}
	return strings.Join(q, ", ")
}

// jsonKindOf names the kind of a JSON value: "a string", "a number", ...
func jsonKindOf(raw json.RawMessage) string {
	s := bytes.TrimSpace(raw)
	switch {
	case len(s) == 0:
		return "nothing"
	case s[0] == '"':
		return "a string"
	case s[0] == '[':
		return "a list"
	case s[0] == '{':
		return "an object"
	case string(s) == "null":
		return "null"
	case string(s) == "true", string(s) == "false":
		return string(s)
	}
	return "a number"
}

// valueStart skips the spaces and the comma between JSON values from off.
func valueStart(b []byte, off int) int {
	for off < len(b) && (b[off] == ',' || b[off] == ' ' || b[off] == '\t' || b[off] == '\n' || b[off] == '\r') {
		off++
	}
	return off
}

// lineAt is the 1-based line of byte offset off of b.
func lineAt(b []byte, off int) int {
	off = min(max(off, 0), len(b))
	return 1 + bytes.Count(b[:off], []byte("\n"))
}
