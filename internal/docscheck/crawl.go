package docscheck

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

var hrefRE = regexp.MustCompile(`(?i)href="([^"]+)"`)

// crawl fetches the site page at start and, breadth first, every page it
// links to on the same host below the same directory, plus the Extra pages.
// A page that answers 404 is skipped (a broken link, or an Extra page the
// site no longer has: its operations are then reported as undocumented).
func (l *Loader) crawl(ctx context.Context, start *url.URL) ([]*docpages.Page, error) {
	maxPages := cmp.Or(l.MaxPages, 500)
	base := *start
	base.RawQuery, base.Fragment = "", ""
	if !strings.HasSuffix(base.Path, "/") {
		base.Path = path.Dir(base.Path)
		if !strings.HasSuffix(base.Path, "/") {
			base.Path += "/"
		}
	}
	queue := []*url.URL{start}
	for _, name := range l.Extra {
		queue = append(queue, base.ResolveReference(&url.URL{Path: name + ".html"}))
	}
	seenURL := map[string]bool{}
	var pages []*docpages.Page
	for len(queue) > 0 && len(pages) < maxPages {
		u := queue[0]
		queue = queue[1:]
		clean := *u
		clean.RawQuery, clean.Fragment = "", ""
		key := clean.Host + "/" + pageName(&base, &clean) // "dir/" and "dir/index.html" are one page
		if seenURL[key] {
			continue
		}
		seenURL[key] = true
		text, err := l.fetch(ctx, &clean)
		if err == errNotFound {
			if u != start {
				continue
			}
			return nil, fmt.Errorf("docs page %s: 404 Not Found", clean.String())
		}
		if err != nil {
			return nil, err
		}
		p, err := docpages.ParseHTML(text)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", clean.String(), err)
		}
		p.File = pageName(&base, &clean)
		pages = append(pages, p)
		for _, m := range hrefRE.FindAllStringSubmatch(text, -1) {
			ref, err := url.Parse(strings.TrimSpace(m[1]))
			if err != nil {
				continue
			}
			next := clean.ResolveReference(ref)
			next.RawQuery, next.Fragment = "", ""
			if next.Scheme != base.Scheme || next.Host != base.Host || !strings.HasPrefix(next.Path, base.Path) {
				continue
			}
			if ext := path.Ext(next.Path); ext == ".html" || strings.HasSuffix(next.Path, "/") {
				queue = append(queue, next)
			}
		}
	}
	return pages, nil
}

type fetchError string

func (e fetchError) Error() string { return string(e) }

const errNotFound = fetchError("not found")

func (l *Loader) fetch(ctx context.Context, u *url.URL) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := l.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("fetch docs page: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return "", errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("fetch docs page %s: %s", u, resp.Status)
	}
	limit := cmp.Or(l.MaxPageBytes, 8<<20)
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return "", fmt.Errorf("read docs page %s: %w", u, err)
	}
	if int64(len(b)) > limit {
		return "", fmt.Errorf("docs page %s is larger than %d bytes", u, limit)
	}
	return string(b), nil
}
