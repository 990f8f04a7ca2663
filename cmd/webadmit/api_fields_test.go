package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestFieldsObject(t *testing.T) {
	t.Parallel()
	files := map[string]string{"note.txt": "line\n"}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	tests := []struct {
		name       string
		raw, typed []string
		want       string // JSON; "" when an error is expected
	}{
		{"strings", []string{"a=1", "b=x=y", "c="}, nil, `{"a":"1","b":"x=y","c":""}`},
		{"typed", nil, []string{"t=true", "f=false", "n=null", "i=43", "neg=-7", "x=1.5", "e=1e3", "s=hello", "big=123456789012345678901234"},
			`{"big":123456789012345678901234,"e":1e3,"f":false,"i":43,"n":null,"neg":-7,"s":"hello","t":true,"x":1.5}`},
		{"not numbers stay strings", nil, []string{"a=007", "b=1.", "c=+1", "d=0x10"}, `{"a":"007","b":"1.","c":"+1","d":"0x10"}`},
		{"file", nil, []string{"note=@note.txt"}, `{"note":"line\n"}`},
		{"nested", nil, []string{"designation[decision_id]=43"}, `{"designation":{"decision_id":43}}`},
		{"deeper", []string{"a[b][c]=1", "a[b][d]=2"}, nil, `{"a":{"b":{"c":"1","d":"2"}}}`},
		{"array", []string{"ids[]=1", "ids[]=2"}, nil, `{"ids":["1","2"]}`},
		{"array of objects", []string{"a[][cas]=1", "a[][cas]=2"}, []string{"a[][ok]=true"},
			// -f comes before -F: the second cas starts a second object, which ok joins.
			`{"a":[{"cas":"1"},{"cas":"2","ok":true}]}`},
		{"object then scalar", []string{"a[b]=1", "a=2"}, nil, `{"a":"2"}`},
		{"scalar then object", []string{"a=1", "a[b]=2"}, nil, ""},
		{"array where object", []string{"a[b]=1", "a[]=2"}, nil, ""},
		{"nested arrays", []string{"a[][]=1"}, nil, ""},
		{"no equals", []string{"a"}, nil, ""},
		{"bad key", []string{"a[b=1"}, nil, ""},
		{"empty key", []string{"=1"}, nil, ""},
		{"missing file", nil, []string{"a=@nope"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fields, err := parseFields(tt.raw, tt.typed, readFile)
			var obj map[string]any
			if err == nil {
				obj, err = fieldsObject(fields)
			}
			if tt.want == "" {
				var u usageError
				if !errors.As(err, &u) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(obj)
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFieldsQuery(t *testing.T) {
	t.Parallel()
	fields, err := parseFields([]string{"q=a b", "ids[]=1"}, []string{"n=null", "x=2", "ok=true"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"keep": {"1"}}
	fieldsQuery(q, fields)
	if got, want := q.Encode(), "ids%5B%5D=1&keep=1&n=&ok=true&q=a+b&x=2"; got != want {
		t.Errorf("query %s, want %s", got, want)
	}
}

func TestAPITarget(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://api.webadmit.org")
	prefixed, _ := url.Parse("http://127.0.0.1:8080/prefix")
	tests := []struct {
		base *url.URL
		arg  string
		want string // "" for a usage error
	}{
		{base, "/api/v1/user_identities", "https://api.webadmit.org/api/v1/user_identities"},
		{base, "api/v1/user_identities", "https://api.webadmit.org/api/v1/user_identities"},
		{base, "//api/v1/x", ""}, // a host named api: refused
		{base, "/api/v1/x?a=1&b=2#frag", "https://api.webadmit.org/api/v1/x?a=1&b=2"},
		{base, " /api/v1/x ", "https://api.webadmit.org/api/v1/x"},
		{base, "https://api.webadmit.org/api/v1/x", "https://api.webadmit.org/api/v1/x"},
		{base, "https://API.webadmit.org:443/api/v1/x", "https://api.webadmit.org/api/v1/x"},
		{base, "http://api.webadmit.org/api/v1/x", ""},
		{base, "https://evil.example/api/v1/x", ""},
		{base, "https://api.webadmit.org.evil.example/api/v1/x", ""},
		{base, "https://user:pw@api.webadmit.org/api/v1/x", ""},
		{base, "//evil.example/api/v1/x", ""},
		{base, "mailto:x@example.org", ""},
		{base, "", ""},
		{base, "/@evil.example/x", "https://api.webadmit.org/@evil.example/x"},
		{prefixed, "/api/v1/x", "http://127.0.0.1:8080/prefix/api/v1/x"},
		{prefixed, "http://127.0.0.1:8080/prefix/api/v1/x", "http://127.0.0.1:8080/prefix/api/v1/x"},
		{prefixed, "http://127.0.0.1:8081/api/v1/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			t.Parallel()
			u, err := apiTarget(tt.base, tt.arg)
			if tt.want == "" {
				var ue usageError
				if !errors.As(err, &ue) {
					t.Fatalf("apiTarget(%q) = %v, %v; want a usage error", tt.arg, u, err)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Errorf("apiTarget(%q) = %v, %v; want %s", tt.arg, u, err, tt.want)
			}
		})
	}
}

func TestRedactLocation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"https://s3.example/b/k.zip?X-Amz-Signature=abc&x=1", "https://s3.example/b/k.zip?REDACTED"},
		{"https://user:pw@s3.example/k#f", "https://s3.example/k"},
		{"https://s3.example/k", "https://s3.example/k"},
	} {
		u, _ := url.Parse(tt.in)
		if got := redactLocation(u); got != tt.want {
			t.Errorf("redactLocation(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestTermSafeText(t *testing.T) {
	t.Parallel()
	in := "{\n\t\"a\": \"x\x1b]0;t\x07\u202eevil\r\"\n}\n"
	if got, want := termSafeText(in), "{\n\t\"a\": \"x]0;tevil\"\n}\n"; got != want {
		t.Errorf("termSafeText = %q, want %q", got, want)
	}
}

func TestWriteBody(t *testing.T) {
	t.Parallel()
	const hostileJSON = "{\"a\":[1,2],\"b\":\"x\u202ey\u009b2J\"}"
	tests := []struct {
		name string
		body string
		tty  bool
		want string
	}{
		{"JSON as received", hostileJSON, false, hostileJSON},
		{"JSON on a terminal", hostileJSON, true, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"xy2J\"\n}\n"},
		{"text on a terminal", "-----BEGIN\r\nabc\x1b[2J\n", true, "-----BEGIN\nabc[2J\n"},
		{"empty on a terminal", "", true, ""},
		{"bytes as received", "\x00\x01PK", false, "\x00\x01PK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			if err := writeBody(&b, []byte(tt.body), tt.tty); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}
