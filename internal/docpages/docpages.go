// Package docpages reads the WebAdMIT documentation pages (the Jekyll
// sources the public site is built from: front matter, then HTML generated
// by prmd) into plain Go values, so tests and the drift check can compare
// them with spec/webadmit.yaml.
package docpages

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Page is one documentation page.
type Page struct {
	// File is the page's file name, e.g. "export_files_check.md".
	File string
	// Title is the front matter's title.
	Title string
	// Attributes are the rows of the page's "Attributes" table.
	Attributes []Attribute
	// Links are the operations the page documents, in page order.
	Links []Link
	// Errors are the error examples in the sections after the operations
	// ("Not Found", "Unauthorized", "Errors", ...), in page order.
	Errors []Example
}

// Attribute is one row of an attributes or parameters table.
type Attribute struct {
	// Name as written, e.g. "export_files:status" or "exports/id".
	Name string
	// Type as written, e.g. "string", "nullable string", "integer".
	Type string
	// Pattern is the regular expression the docs give, if any.
	Pattern string
	// Enum lists the "one of" values, if any.
	Enum []string
	// Example is the example column, unquoted JSON text.
	Example string
}

// Link is one documented operation.
type Link struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is the path in OpenAPI form, e.g. "/api/v1/exports/{export_id}".
	Path string
	// Title is the section heading, e.g. "Export/Report Files (check status) Show".
	Title string
	// Required and Optional are the rows of the parameter tables.
	Required, Optional []Attribute
	// Examples are the response examples of this operation's section.
	Examples []Example
}

// Example is one response example: a status line (when the page gives one)
// and a body (empty when the page shows none).
type Example struct {
	// Status is the HTTP status code, or 0 when the page gives none.
	Status int
	// Section is the heading the example stands under, e.g. "Not Found".
	Section string
	// JSON is the example body, unescaped.
	JSON string
}

var (
	frontTitle  = regexp.MustCompile(`(?m)^title:\s*(.+)$`)
	linkHeading = regexp.MustCompile(`<h3><a name="link-([A-Z]+)-[^-"]+-([^"]+)">([^<]*)</a></h3>`)
	h3          = regexp.MustCompile(`(?m)^\s*(?:<h3>(?:<a [^>]*>)?([^<]*)(?:</a>)?</h3>|###\s+(.+))\s*$`)
	statusLine  = regexp.MustCompile(`HTTP/1\.1 (\d{3})`)
	jsonBlock   = regexp.MustCompile("(?s)<pre lang=\"json\"><code>(.*?)</code></pre>|```json\\n(.*?)```")
	table       = regexp.MustCompile(`(?s)<table>\s*<thead>.*?</thead>\s*<tbody>(.*?)</tbody>\s*</table>`)
	row         = regexp.MustCompile(`(?s)<tr>\s*<td><strong>(.*?)</strong></td>\s*<td><em>(.*?)</em></td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>`)
	patternRE   = regexp.MustCompile(`<strong>pattern:</strong> <code>(.*?)</code>`)
	oneOfRE     = regexp.MustCompile(`(?s)<strong>one of:</strong>(.*)$`)
	codeRE      = regexp.MustCompile(`<code>(.*?)</code>`)
	tagRE       = regexp.MustCompile(`<[^>]+>`)
	pathParam   = regexp.MustCompile(`:([a-z_]+)`)
	paramTitle  = regexp.MustCompile(`<h4>(Required|Optional) Parameters</h4>`)
)

// ParseFile reads and parses one page.
func ParseFile(path string) (*Page, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	p.File = filepath.Base(path)
	return p, nil
}

// ParseDir parses every .md page in dir, in name order.
func ParseDir(dir string) ([]*Page, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	pages := make([]*Page, 0, len(files))
	for _, f := range files {
		p, err := ParseFile(f)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// Parse parses the text of one page.
func Parse(text string) (*Page, error) {
	p := &Page{}
	if m := frontTitle.FindStringSubmatch(text); m != nil {
		p.Title = strings.TrimSpace(m[1])
	}
	// Split the page at its h3 headings: the attributes section, one section
	// per operation, then the error sections.
	heads := h3.FindAllStringSubmatchIndex(text, -1)
	for i, h := range heads {
		end := len(text)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		heading := text[h[0]:h[1]]
		body := text[h[1]:end]
		name := strings.TrimSpace(html.UnescapeString(firstNonEmpty(text, h[2], h[3], h[4], h[5])))
		switch {
		case linkHeading.MatchString(heading):
			m := linkHeading.FindStringSubmatch(heading)
			l := Link{
				Method: m[1],
				Path:   pathParam.ReplaceAllString(html.UnescapeString(m[2]), "{$1}"),
				Title:  strings.TrimSpace(html.UnescapeString(m[3])),
			}
			l.Required, l.Optional = parameterTables(body)
			l.Examples = examples(body, name)
			p.Links = append(p.Links, l)
		case name == "Attributes":
			if t := table.FindStringSubmatch(body); t != nil {
				p.Attributes = rows(t[1])
			}
		default:
			p.Errors = append(p.Errors, examples(body, name)...)
		}
	}
	return p, nil
}

func firstNonEmpty(text string, idx ...int) string {
	for i := 0; i+1 < len(idx); i += 2 {
		if idx[i] >= 0 && idx[i+1] > idx[i] {
			return text[idx[i]:idx[i+1]]
		}
	}
	return ""
}

// parameterTables returns the rows of the "Required Parameters" and
// "Optional Parameters" tables of an operation section.
func parameterTables(body string) (required, optional []Attribute) {
	locs := paramTitle.FindAllStringSubmatchIndex(body, -1)
	for _, l := range locs {
		kind := body[l[2]:l[3]]
		t := table.FindStringSubmatch(body[l[1]:])
		if t == nil {
			continue
		}
		if kind == "Required" {
			required = append(required, rows(t[1])...)
		} else {
			optional = append(optional, rows(t[1])...)
		}
	}
	return required, optional
}

// impliedStatus is the status of an example that stands under one of these
// headings without a status line of its own (the specific 404 messages).
var impliedStatus = map[string]int{"not found": 404, "unauthorized": 401}

// examples pairs each JSON block of a section with the status line before
// it. A status line with no JSON block before the next status line (e.g.
// 401's empty body) is an example with an empty body.
func examples(body, section string) []Example {
	type mark struct {
		at     int
		status int
		json   string
	}
	var marks []mark
	for _, m := range statusLine.FindAllStringSubmatchIndex(body, -1) {
		code, _ := strconv.Atoi(body[m[2]:m[3]])
		marks = append(marks, mark{at: m[0], status: code})
	}
	for _, m := range jsonBlock.FindAllStringSubmatchIndex(body, -1) {
		js := firstNonEmpty(body, m[2], m[3], m[4], m[5])
		marks = append(marks, mark{at: m[0], status: -1, json: strings.TrimSpace(html.UnescapeString(js))})
	}
	slices.SortFunc(marks, func(a, b mark) int { return a.at - b.at })
	var out []Example
	pending := 0 // status line waiting for its body
	implied := impliedStatus[strings.ToLower(section)]
	for _, m := range marks {
		if m.status >= 0 {
			if pending != 0 {
				out = append(out, Example{Status: pending, Section: section})
			}
			pending = m.status
			continue
		}
		status := pending
		if status == 0 {
			status = implied
		}
		out = append(out, Example{Status: status, Section: section, JSON: m.json})
		pending = 0
	}
	if pending != 0 {
		out = append(out, Example{Status: pending, Section: section})
	}
	return out
}

// rows parses the body of an attributes or parameters table.
func rows(tbody string) []Attribute {
	var out []Attribute
	for _, r := range row.FindAllStringSubmatch(tbody, -1) {
		a := Attribute{
			Name: clean(r[1]),
			Type: clean(r[2]),
		}
		desc := r[3]
		if m := patternRE.FindStringSubmatch(desc); m != nil {
			a.Pattern = html.UnescapeString(m[1])
		}
		if m := oneOfRE.FindStringSubmatch(desc); m != nil {
			for _, c := range codeRE.FindAllStringSubmatch(m[1], -1) {
				v := html.UnescapeString(c[1])
				if uq, err := strconv.Unquote(v); err == nil {
					v = uq
				}
				a.Enum = append(a.Enum, v)
			}
		}
		if m := codeRE.FindStringSubmatch(r[4]); m != nil {
			a.Example = html.UnescapeString(m[1])
		}
		out = append(out, a)
	}
	return out
}

func clean(s string) string {
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
}
