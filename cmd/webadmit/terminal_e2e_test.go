package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// hostile is what a hostile server puts in every string it sends: an OSC
// window title, a colour, a bell, a carriage return, and bidi overrides.
const hostile = "\x1b]0;pwned\x07 \x1b[31mred\r\u202eevil\u2066x\u2069\u202c\u009b2J"

// hostileHeader is what of hostile a header value can carry: Go's HTTP
// client refuses ASCII controls there, but not bidi overrides or C1
// controls in UTF-8.
const hostileHeader = "pwned\u202eevil\u2066x\u2069\u202c\u009b2J"

// terminalControls are the runes none of which may reach the terminal.
var terminalControls = []string{"\x1b", "\x07", "\r", "\u202e", "\u2066", "\u2069", "\u202c", "\u009b"}

// jsonOf marshals v for a fake answer; json.Marshal spells the controls as
// \u escapes, as a server would.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hostileZip is a zip export with a file of a hostile name and a file
// below it, as if it were a directory, which extraction refuses, naming the
// entry in its error.
func hostileZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"a" + hostile, "a" + hostile + "/b.csv"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("a,b\n"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hostileAPI answers every list, status and run with hostile strings in
// each name and status; its runs end Available with a file on a fake store.
func hostileAPI(t *testing.T) []string {
	t.Helper()
	zipBody := hostileZip(t)
	store := fakeStore(t, map[string]http.HandlerFunc{
		"GET /export.csv": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.Header().Set("Content-Disposition", `attachment; filename="x.csv"`)
			_, _ = w.Write([]byte("a,b\n"))
		},
		"GET /export.zip": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/zip")
			_, _ = w.Write(zipBody)
		},
		// A file whose ETag changes between a cut and the resume: the
		// error names both.
		"GET /changing.csv": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			if r.Header.Get("Range") == "" {
				w.Header().Set("ETag", `"1`+hostileHeader+`"`)
				w.Header().Set("Content-Length", "8")
				_, _ = w.Write([]byte("a,b\n")) // and the server cuts the connection
				return
			}
			w.Header().Set("ETag", `"2`+hostileHeader+`"`)
			w.Header().Set("Content-Range", "bytes 4-7/8")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write([]byte("1,2\n"))
		},
	})
	run := func(id int, status string, file string) http.HandlerFunc {
		ef := map[string]any{"id": id, "export_id": 100, "href": "/api/v1/exports/100/export_files/1", "status": status}
		if file != "" {
			ef["download_url"] = store.URL + "/" + file + "?Signature=s"
		}
		return jsonAnswer(jsonOf(t, map[string]any{"export_files": ef}))
	}
	list := func(key string, v ...map[string]any) http.HandlerFunc {
		return jsonAnswer(jsonOf(t, map[string]any{key: v}))
	}
	tmplRef := map[string]any{"id": 3, "href": "/api/v1/user_identities/7/pdf_manager_templates/3", "name": hostile}
	batch := map[string]any{"id": 9, "state": hostile, "updated_at": "2026-01-02T03:04:05Z", "pdf_manager_template": tmplRef,
		"download_hrefs": []string{"/api/v1/user_identities/7/pdf_manager_zip_files/5/download"}}
	export := map[string]any{"id": 100, "name": hostile, "format": hostile, "list_type": hostile, "mime_type": hostile}
	var polls atomic.Int32
	srv := fakeAPI(t, map[string]http.HandlerFunc{
		"GET /api/v1/user_identities": list("user_identities",
			map[string]any{"id": 7, "type": hostile, "organization": hostile, "institution": hostile, "association": hostile, "cycle": hostile}),
		"GET /api/v1/exports":                   list("exports", export),
		"GET /api/v1/user_identities/7/exports": list("exports", export),
		"GET /api/v1/user_identities/7/export_files": list("export_files",
			map[string]any{"id": 5, "export_id": 100, "href": "/api/v1/exports/100/export_files/5", "status": hostile}),
		"GET /api/v1/user_identities/7/pdf_manager_templates": list("pdf_manager_templates",
			map[string]any{"id": 3, "href": "/api/v1/user_identities/7/pdf_manager_templates/3", "name": hostile, "list_name": hostile, "document_source_title": hostile}),
		"GET /api/v1/user_identities/7/pdf_manager_batches":   list("pdf_manager_batches", batch),
		"GET /api/v1/user_identities/7/pdf_manager_batches/9": jsonAnswer(jsonOf(t, map[string]any{"pdf_manager_batch": batch})),
		"GET /api/v1/user_identities/7/organizations": list("organizations",
			map[string]any{"id": 1, "name": hostile, "association_name": hostile, "cycle_name": hostile, "config_portal_identifier": hostile}),
		"GET /api/v1/user_identities/7/programs":  list("programs", map[string]any{"id": 2, "name": hostile, "organization_name": hostile}),
		"GET /api/v1/user_identities/7/decisions": list("decisions", map[string]any{"id": 4, "name": hostile}),
		"GET /api/v1/user_identities/7/programs/2/custom_fields": list("custom_fields",
			map[string]any{"id": 1, "label": hostile, "field_type": hostile, "options": []string{hostile}}),
		"GET /api/v1/exports/100/export_files/5": run(5, hostile, ""),
		// A run that starts with a hostile status, which the first check
		// repeats; then it is Available.
		"POST /api/v1/user_identities/7/exports/100/export_files": run(1, hostile, ""),
		"GET /api/v1/exports/100/export_files/1": func(w http.ResponseWriter, r *http.Request) {
			if polls.Add(1) == 1 {
				run(1, hostile, "")(w, r)
				return
			}
			run(1, "Available", "export.csv")(w, r)
		},
		// A finished run whose zip has hostile entry names.
		"GET /api/v1/exports/100/export_files/6": run(6, "Available", "export.zip"),
		// A finished run whose file changes during the download.
		"GET /api/v1/exports/100/export_files/7": run(7, "Available", "changing.csv"),
	})
	return fakeEnv(srv)
}

// TestServerStringsCannotDriveTheTerminal: names, statuses and zip entry
// names from a hostile server reach stdout and stderr without their
// terminal controls (escape sequences, bell, carriage return, bidi
// overrides), in tables, progress lines, warnings and the final error.
func TestServerStringsCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	env := hostileAPI(t)
	tests := []struct {
		args     []string
		wantCode int
	}{
		{[]string{"identities"}, exitOK},
		{[]string{"exports"}, exitOK},
		{[]string{"exports", "--identity", "7"}, exitOK},
		{[]string{"files", "--identity", "7"}, exitOK},
		{[]string{"status", "--export", "100", "--file", "5"}, exitOK},
		{[]string{"pdf", "templates", "--identity", "7"}, exitOK},
		{[]string{"pdf", "batches", "--identity", "7"}, exitOK},
		{[]string{"pdf", "status", "--identity", "7", "--batch", "9"}, exitOK},
		{[]string{"organizations", "--identity", "7"}, exitOK},
		{[]string{"programs", "--identity", "7"}, exitOK},
		{[]string{"decisions", "--identity", "7"}, exitOK},
		{[]string{"custom-fields", "--identity", "7", "--program", "2"}, exitOK},
		{[]string{"run", "--identity", "7", "--export", "100", "-o", "out.csv"}, exitOK},
		{[]string{"download", "--export", "100", "--file", "6", "--extract", "x"}, exitError},
		{[]string{"download", "--export", "100", "--file", "7", "-o", "out.csv"}, exitError},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), env, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d", r.code, tt.wantCode)
			}
			if !strings.Contains(r.stdout+r.stderr, "pwned") {
				t.Errorf("the server's strings were not printed at all:\n%s%s", r.stdout, r.stderr)
			}
			for _, c := range terminalControls {
				if strings.Contains(r.stdout, c) || strings.Contains(r.stderr, c) {
					t.Errorf("%q reached the terminal:\nstdout %q\nstderr %q", c, r.stdout, r.stderr)
				}
			}
		})
	}
}

// TestJSONOutputEscapesTerminalControls: with --output json the server's
// strings stay whole, but every character that could drive a terminal
// (C0 and C1 controls, bidi overrides) is a \uXXXX escape, so that a
// person who reads the JSON on a terminal is as safe as one reading a table.
func TestJSONOutputEscapesTerminalControls(t *testing.T) {
	t.Parallel()
	env := hostileAPI(t)
	for _, args := range [][]string{
		{"identities"},
		{"exports", "--identity", "7"},
		{"files", "--identity", "7"},
		{"status", "--export", "100", "--file", "5"},
		{"pdf", "templates", "--identity", "7"},
		{"programs", "--identity", "7"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), env, append([]string{"--output", "json"}, args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			for _, c := range terminalControls {
				if strings.Contains(r.stdout, c) {
					t.Errorf("%q reached stdout raw:\n%q", c, r.stdout)
				}
			}
			var v any
			if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if decoded := fmt.Sprint(v); !strings.Contains(decoded, "pwned") || !strings.ContainsAny(decoded, "\u009b\u202e\x1b") {
				t.Errorf("the server's strings did not survive whole: %s", decoded)
			}
		})
	}
}

func TestEscapeControls(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"plain, García"`, `"plain, García"`},
		{"\"García\"", "\"García\""},
		{"\"a\u009b31mb\"", `"a\u009b31mb"`},
		{"\"\u202eevil\u2066\"", `"\u202eevil\u2066"`},
		{"\"zero\u200bwidth\ufeff\"", `"zero\u200bwidth\ufeff"`},
		{"\"tag \U000E0041\"", `"tag \udb40\udc41"`},
	}
	for _, tt := range tests {
		got := string(escapeControls([]byte(tt.in)))
		if got != tt.want {
			t.Errorf("escapeControls(%q) = %q, want %q", tt.in, got, tt.want)
		}
		var a, b string
		if err := json.Unmarshal([]byte(tt.in), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(got), &b); err != nil || a != b {
			t.Errorf("%q means %q, not %q (%v)", got, b, a, err)
		}
	}
}
