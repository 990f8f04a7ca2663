// Package docpages reads the WebAdMIT documentation pages (the Jekyll
// sources the public site is built from: front matter, then HTML generated
// by prmd, plus hand-written Markdown footers) into plain Go values, so tests
// and the drift check can compare them with spec/webadmit.yaml. ParseHTML
// reads the same pages as the live site serves them, rendered.
package docpages

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Page is one documentation page.
type Page struct {
	// File is the page's file name, e.g. "export_files_check.md", or the
	// URL of a page read from the live site.
	File string
	// Title is the front matter's title (or the HTML title).
	Title string
	// Headings are the page's h3 headings, in page order.
	Headings []string
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
	// RequestBody is the JSON body of the section's curl example, if any.
	RequestBody string
	// Curl is the section's curl example as shown, unescaped, without the
	// leading "$ ", or "" when it has none.
	Curl string
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
	// JSON is the example body, unescaped. It is the text of a block the
	// page marks as JSON, which is not always valid JSON.
	JSON string
	// Headers are the header lines shown under the status line, e.g.
	// Location for a redirect, as "Name: value".
	Headers []string
}

var (
	frontTitle  = regexp.MustCompile(`(?m)^title:\s*(.+)$`)
	linkHeading = regexp.MustCompile(`<h3><a name="link-(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)-[^-"]+-(/[^"]*)">([^<]*)</a></h3>`)
	h3          = regexp.MustCompile(`(?m)^\s*(?:<h3>(?:<a [^>]*>)?([^<]*)(?:</a>)?</h3>|###\s+(.+))\s*$`)
	statusLine  = regexp.MustCompile(`^HTTP/1\.1 (\d{3})\b`)
	codeBlock   = regexp.MustCompile("(?s)<pre( lang=\"json\")?[^>]*><code>(.*?)</code></pre>|```(json)?[^\\n]*\\n(.*?)```")
	table       = regexp.MustCompile(`(?s)<table>\s*<thead>.*?</thead>\s*<tbody>(.*?)</tbody>\s*</table>`)
	row         = regexp.MustCompile(`(?s)<tr>\s*<td><strong>(.*?)</strong></td>\s*<td><em>(.*?)</em></td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>`)
	patternRE   = regexp.MustCompile(`<strong>pattern:</strong> <code>(.*?)</code>`)
	oneOfRE     = regexp.MustCompile(`(?s)<strong>one of:</strong>(.*)$`)
	codeRE      = regexp.MustCompile(`<code>(.*?)</code>`)
	tagRE       = regexp.MustCompile(`<[^>]+>`)
	pathParam   = regexp.MustCompile(`:([a-z_]+)`)
	paramTitle  = regexp.MustCompile(`<h4>(Required|Optional) Parameters</h4>`)
	requestLine = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE) (/\S*)`)
	curlData    = regexp.MustCompile(`(?s)-d '(.*?)'`)
	headerLine  = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*): (.+)$`)
)

// ParseFile reads and parses one page: a Jekyll source (.md) or, for names
// ending in .html, a page as the site serves it.
func ParseFile(path string) (*Page, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parse := Parse
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".html" || ext == ".htm" {
		parse = ParseHTML
	}
	p, err := parse(string(b))
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
		p.Headings = append(p.Headings, name)
		if m := linkHeading.FindStringSubmatch(heading); m != nil {
			p.Links = append(p.Links, link(m[1], m[2], m[3], body, name))
			continue
		}
		if name == "Attributes" {
			if t := table.FindStringSubmatch(body); t != nil {
				p.Attributes = rows(t[1])
			}
			continue
		}
		// A hand-written operation section has no link anchor: its first
		// code block is the request line, e.g. "GET /api/v1/...".
		if blocks := codeBlocks(body); len(blocks) > 0 {
			if m := requestLine.FindStringSubmatch(blocks[0].text); m != nil {
				p.Links = append(p.Links, link(m[1], m[2], name, body, name))
				continue
			}
		}
		p.Errors = append(p.Errors, examples(body, name)...)
	}
	return p, nil
}

func link(method, path, title, body, section string) Link {
	l := Link{
		Method: method,
		Path:   pathParam.ReplaceAllString(html.UnescapeString(path), "{$1}"),
		Title:  strings.TrimSpace(html.UnescapeString(title)),
	}
	l.Required, l.Optional = parameterTables(body)
	l.RequestBody = requestBody(body)
	l.Curl = curlExample(body)
	l.Examples = examples(body, section)
	return l
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

// requestBody returns the JSON a section's curl example sends with -d, or ""
// when it sends none or sends a form (e.g. "-G -d id=1").
func requestBody(body string) string {
	if m := curlData.FindStringSubmatch(curlExample(body)); m != nil {
		d := strings.TrimSpace(m[1])
		if strings.HasPrefix(d, "{") || strings.HasPrefix(d, "[") {
			return d
		}
	}
	return ""
}

// curlExample returns a section's first curl command ("curl ..."), or "".
func curlExample(body string) string {
	for _, b := range codeBlocks(body) {
		if text := strings.TrimSpace(b.text); strings.HasPrefix(text, "$ curl") {
			return strings.TrimPrefix(text, "$ ")
		}
	}
	return ""
}

// block is one code block of a section, unescaped.
type block struct {
	at   int
	json bool
	text string
}

func codeBlocks(body string) []block {
	var out []block
	for _, m := range codeBlock.FindAllStringSubmatchIndex(body, -1) {
		b := block{at: m[0]}
		if m[4] >= 0 { // <pre ...><code>
			b.json = m[2] >= 0
			b.text = html.UnescapeString(body[m[4]:m[5]])
		} else { // fenced Markdown block
			b.json = m[6] >= 0
			b.text = body[m[8]:m[9]]
		}
		out = append(out, b)
	}
	return out
}

// impliedStatus is the status of an example that stands under one of these
// headings without a status line of its own (the specific 404 messages).
var impliedStatus = map[string]int{"not found": 404, "unauthorized": 401}

// examples pairs each JSON block of a section with the status line before
// it. A status line with no JSON block before the next status line (e.g.
// 401's empty body) is an example with an empty body. A JSON block with no
// status line of its own takes the section's previous status line (several
// 422 bodies under one "HTTP/1.1 422"), else the status its heading implies.
func examples(body, section string) []Example {
	var out []Example
	var pending *Example // status line waiting for its body
	last := 0
	implied := impliedStatus[strings.ToLower(section)]
	for _, b := range codeBlocks(body) {
		text := strings.TrimSpace(b.text)
		if m := statusLine.FindStringSubmatch(text); m != nil && !b.json {
			if pending != nil {
				out = append(out, *pending)
			}
			code, _ := strconv.Atoi(m[1])
			pending = &Example{Status: code, Section: section, Headers: headers(text)}
			last = code
			continue
		}
		if !b.json {
			continue
		}
		ex := Example{Status: last, Section: section, JSON: text}
		if pending != nil {
			ex.Status, ex.Headers = pending.Status, pending.Headers
			pending = nil
		}
		if ex.Status == 0 {
			ex.Status = implied
		}
		out = append(out, ex)
	}
	if pending != nil {
		out = append(out, *pending)
	}
	return out
}

// headers returns the "Name: value" lines that follow a status line.
func headers(block string) []string {
	var out []string
	for _, line := range strings.Split(block, "\n")[1:] {
		line = strings.TrimSpace(line)
		if headerLine.MatchString(line) {
			out = append(out, line)
		}
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

// Segment is one step of an attribute name.
type Segment struct {
	// Name is the property name.
	Name string
	// InArray reports that the step came after "/": the property before it
	// is an array, and Name is a property of its items.
	InArray bool
}

// SplitName splits an attribute name into its steps: "batch:results/errors"
// is batch, then results, then (in each item of results) errors. The docs
// use ":" for an object's property and "/" for a property of an array's
// items, but not always consistently (request tables write "applicants:x"
// for an array), so readers should treat both as "child of".
func SplitName(name string) []Segment {
	var out []Segment
	inArray := false
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != ':' && name[i] != '/' {
			continue
		}
		if i > start {
			out = append(out, Segment{Name: name[start:i], InArray: inArray})
		}
		if i < len(name) {
			inArray = name[i] == '/'
		}
		start = i + 1
	}
	return out
}

// Names returns the property names of the segments.
func Names(segs []Segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = s.Name
	}
	return out
}
