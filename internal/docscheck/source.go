package docscheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/internal/docpages"
)

// Source is a set of pages checked together.
type Source struct {
	// Name is the folder, file or URL the pages come from.
	Name  string
	Pages []*docpages.Page
	Scope Scope
}

// Loader reads docs pages from a folder, a file or the live site.
type Loader struct {
	// Client fetches pages from the site. Nil means a client with a 30 s
	// timeout that follows redirects on the same host only.
	Client *http.Client
	// MaxPages bounds a crawl of the site (default 500).
	MaxPages int
	// MaxPageBytes bounds one fetched page (default 8 MiB).
	MaxPageBytes int64
	// Extra names pages (without extension, e.g. "pdf_manager_batch") to
	// fetch from the site besides those a crawl reaches: Spec.DocsPages.
	Extra []string
}

// Load reads the pages at location:
//
//   - an http(s) URL: the site page there and every .html page it links to
//     under the same directory, crawled, plus l.Extra; one Source, ScopeAll.
//   - a folder holding pages/ (the docs repository layout): pages/ as one
//     Source with ScopeAll, and each seed/*.md page as its own Source with
//     ScopePages (the seed is an older build of one page).
//   - any other folder: its .md and .html pages, one Source, ScopeAll.
//   - a file: that page alone, ScopePages.
func (l *Loader) Load(ctx context.Context, location string) ([]Source, error) {
	if u, err := url.Parse(location); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		pages, err := l.crawl(ctx, u)
		if err != nil {
			return nil, err
		}
		return []Source{{Name: location, Pages: pages, Scope: ScopeAll}}, nil
	}
	st, err := os.Stat(location)
	if err != nil {
		return nil, fmt.Errorf("docs %s: %w (give a docs folder, a page file or an http(s) URL of the site)", location, err)
	}
	if !st.IsDir() {
		p, err := docpages.ParseFile(location)
		if err != nil {
			return nil, err
		}
		return []Source{{Name: location, Pages: []*docpages.Page{p}, Scope: ScopePages}}, nil
	}
	if sub := filepath.Join(location, "pages"); isDir(sub) {
		pages, err := parseFolder(sub)
		if err != nil {
			return nil, err
		}
		out := []Source{{Name: sub, Pages: pages, Scope: ScopeAll}}
		seeds, _ := filepath.Glob(filepath.Join(location, "seed", "*.md"))
		for _, s := range seeds {
			p, err := docpages.ParseFile(s)
			if err != nil {
				return nil, err
			}
			out = append(out, Source{Name: s, Pages: []*docpages.Page{p}, Scope: ScopePages})
		}
		return out, nil
	}
	pages, err := parseFolder(location)
	if err != nil {
		return nil, err
	}
	return []Source{{Name: location, Pages: pages, Scope: ScopeAll}}, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func parseFolder(dir string) ([]*docpages.Page, error) {
	var files []string
	for _, pat := range []string{"*.md", "*.html"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("docs folder %s holds no .md or .html pages", dir)
	}
	pages := make([]*docpages.Page, 0, len(files))
	for _, f := range files {
		p, err := docpages.ParseFile(f)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

func (l *Loader) client() *http.Client {
	if l.Client != nil {
		return l.Client
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if req.URL.Host != via[0].URL.Host {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}

// pageName names a fetched page in reports: its path below the site root
// directory, e.g. "export_files.html" ("index.html" for the directory).
func pageName(base, u *url.URL) string {
	name := strings.TrimPrefix(u.Path, base.Path)
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name
}
