package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// The fields of 'webadmit api', in the manner of gh api: -f key=value sends
// value as a string, -F key=value as what it looks like (true, false, null,
// a number, or @FILE for a file's contents, @- for stdin's). A key may name
// nested objects and arrays:
//
//	-F designation[decision_id]=43            {"designation": {"decision_id": 43}}
//	-f ids[]=1 -f ids[]=2                      {"ids": ["1", "2"]}
//	-f a[][cas]=1 -F a[][ok]=true -f a[][cas]=2  {"a": [{"cas": "1", "ok": true}, {"cas": "2"}]}
//
// In an array of objects, a key the last object already has starts a new one.

// field is one -f or -F: its key as typed, the key's path, and its value.
type field struct {
	key   string
	path  []string // "" stands for [] (append to an array)
	value any      // string, bool, nil or json.Number
}

var (
	fieldKey     = regexp.MustCompile(`^([^\[\]=]+)((?:\[[^\[\]]*\])*)$`)
	fieldSegment = regexp.MustCompile(`\[([^\[\]]*)\]`)
	jsonNumber   = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// parseFields parses the -f (raw) and -F (typed) flags, in that order.
// readFile reads the FILE of -F key=@FILE ("-" for stdin).
func parseFields(raw, typed []string, readFile func(string) ([]byte, error)) ([]field, error) {
	var out []field
	for _, arg := range raw {
		f, err := parseField("-f", arg)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	for _, arg := range typed {
		f, err := parseField("-F", arg)
		if err != nil {
			return nil, err
		}
		if f.value, err = typedValue(f.value.(string), readFile); err != nil {
			return nil, usagef("-F %s: %v", f.key, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// parseField splits key=value; the value stays a string.
func parseField(flag, arg string) (field, error) {
	key, value, ok := strings.Cut(arg, "=")
	if !ok {
		return field{}, usagef("%s %q: give key=value", flag, arg)
	}
	m := fieldKey.FindStringSubmatch(key)
	if m == nil {
		return field{}, usagef("%s %q: the key must be a name, optionally followed by [name] or [] parts, such as designation[decision_id]", flag, arg)
	}
	path := []string{m[1]}
	for _, s := range fieldSegment.FindAllStringSubmatch(m[2], -1) {
		path = append(path, s[1])
	}
	return field{key: key, path: path, value: value}, nil
}

// typedValue is what -F makes of a value.
func typedValue(s string, readFile func(string) ([]byte, error)) (any, error) {
	switch {
	case s == "true":
		return true, nil
	case s == "false":
		return false, nil
	case s == "null":
		return nil, nil
	case jsonNumber.MatchString(s):
		return json.Number(s), nil // sent as typed, digit for digit
	case strings.HasPrefix(s, "@"):
		b, err := readFile(s[1:])
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
	return s, nil
}

// fieldsObject builds the JSON object the fields describe.
func fieldsObject(fields []field) (map[string]any, error) {
	root := map[string]any{}
	for _, f := range fields {
		v, err := setField(root, f.path, f.value)
		if err != nil {
			return nil, usagef("field %s: %v", f.key, err)
		}
		root = v.(map[string]any)
	}
	return root, nil
}

// setField sets value at path below container (nil: none yet) and returns
// the container, which may be new.
func setField(container any, path []string, value any) (any, error) {
	seg, last := path[0], len(path) == 1
	if container == nil {
		if seg == "" {
			container = []any{}
		} else {
			container = map[string]any{}
		}
	}
	switch c := container.(type) {
	case map[string]any:
		if seg == "" {
			return nil, fmt.Errorf("[] where an object is: give [name]")
		}
		if last {
			c[seg] = value
			return c, nil
		}
		child, err := setField(c[seg], path[1:], value)
		if err != nil {
			return nil, err
		}
		c[seg] = child
		return c, nil
	case []any:
		if seg != "" {
			return nil, fmt.Errorf("[%s] where an array is: give []", seg)
		}
		if last {
			return append(c, value), nil
		}
		if path[1] == "" {
			return nil, fmt.Errorf("arrays of arrays ([][]) are not supported: use --input")
		}
		if n := len(c); n > 0 {
			if obj, ok := c[n-1].(map[string]any); ok {
				if _, taken := obj[path[1]]; !taken || len(path) > 2 {
					child, err := setField(obj, path[1:], value)
					if err != nil {
						return nil, err
					}
					c[n-1] = child
					return c, nil
				}
			}
		}
		child, err := setField(nil, path[1:], value)
		if err != nil {
			return nil, err
		}
		return append(c, child), nil
	}
	return nil, fmt.Errorf("a value is already set where [%s] would go", seg)
}

// fieldsQuery adds the fields to q as query parameters, keys as typed.
func fieldsQuery(q url.Values, fields []field) {
	for _, f := range fields {
		var s string
		switch v := f.value.(type) {
		case nil:
			s = ""
		case string:
			s = v
		default:
			s = fmt.Sprint(v)
		}
		q.Add(f.key, s)
	}
}
