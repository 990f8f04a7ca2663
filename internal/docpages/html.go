package docpages

import (
	"html"
	"regexp"
	"strings"
)

var (
	htmlTitle   = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	headingTag  = regexp.MustCompile(`(?i)<(h[1-6])\s[^>]*>`)
	renderedPre = regexp.MustCompile(`(?is)(?:<div class="([^"]*)">\s*)?(?:<div class="highlight">\s*)?<pre([^>]*)>\s*<code([^>]*)>(.*?)</code>\s*</pre>(?:\s*</div>)?(?:\s*</div>)?`)
	spaces      = regexp.MustCompile(`\s+`)
)

// siteSuffix is what the site's layout appends to every page title.
const siteSuffix = "WebAdMIT Developer"

// ParseHTML parses a page as the live site serves it: the Jekyll source
// rendered into the site's layout. The generated HTML of a page passes
// through Jekyll unchanged; the Markdown footers come out as headings with
// id attributes and syntax-highlighted code blocks, which are normalised
// back to the source's form before parsing.
func ParseHTML(text string) (*Page, error) {
	p, err := Parse(NormalizeHTML(text))
	if err != nil {
		return nil, err
	}
	if m := htmlTitle.FindStringSubmatch(text); m != nil {
		t := strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(m[1]), " "))
		t = strings.TrimSpace(strings.TrimSuffix(t, siteSuffix))
		p.Title = strings.TrimSpace(strings.TrimSuffix(t, "-"))
	}
	return p, nil
}

// NormalizeHTML rewrites rendered site HTML into the form of the Jekyll
// sources: attributes dropped from headings (kramdown adds ids), every h3 on
// a line of its own, and code blocks (plain, or highlighted by rouge with
// span tags) turned into <pre><code> or <pre lang="json"><code>.
func NormalizeHTML(text string) string {
	text = headingTag.ReplaceAllStringFunc(text, func(tag string) string {
		m := headingTag.FindStringSubmatch(tag)
		return "<" + strings.ToLower(m[1]) + ">"
	})
	text = strings.ReplaceAll(text, "<h3>", "\n<h3>")
	text = strings.ReplaceAll(text, "</h3>", "</h3>\n")
	return renderedPre.ReplaceAllStringFunc(text, func(s string) string {
		m := renderedPre.FindStringSubmatch(s)
		attrs := strings.ToLower(m[1] + " " + m[2] + " " + m[3])
		body := tagRE.ReplaceAllString(m[4], "")
		if strings.Contains(attrs, "json") {
			return `<pre lang="json"><code>` + body + `</code></pre>`
		}
		if strings.Contains(attrs, "bash") || strings.Contains(attrs, "shell") {
			return `<pre lang="bash"><code>` + body + `</code></pre>`
		}
		return `<pre><code>` + body + `</code></pre>`
	})
}
