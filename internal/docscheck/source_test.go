package docscheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// render wraps a page's source as the site serves it: front matter gone,
// inside the layout with its navigation.
func render(src string, nav ...string) string {
	title := ""
	if rest, ok := strings.CutPrefix(src, "---\n"); ok {
		front, body, _ := strings.Cut(rest, "\n---\n")
		for _, l := range strings.Split(front, "\n") {
			if t, ok := strings.CutPrefix(l, "title: "); ok {
				title = t
			}
		}
		src = body
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><title>\n " + title + " -\n WebAdMIT Developer\n</title></head><body>\n<nav><ul>")
	for _, n := range nav {
		b.WriteString(`<li><a href="` + n + `">` + n + `</a></li>`)
	}
	b.WriteString(`<li><a href="http://www.liaison-intl.com/">Liaison</a></li></ul></nav>` + "\n<div class=\"container\">\n")
	b.WriteString(src)
	b.WriteString("\n<hr><footer><a href=\"about.html#top\">About</a></footer></div></body></html>\n")
	return b.String()
}

// kramdownErrors rewrites a page's Errors section as kramdown and rouge
// render a Markdown footer: heading ids, highlighted code blocks.
func kramdownErrors(page string) string {
	page = strings.Replace(page, "<h3>Errors</h3>\n<h4>Response Example</h4>\n", `<h3 id="errors">Errors</h3>`+"\n"+`<h4 id="response-example">Response Example</h4>`+"\n", 1)
	page = strings.Replace(page, "<pre><code>HTTP/1.1 422 Unprocessable Entity\n</code></pre>",
		`<div class="highlighter-rouge"><div class="highlight"><pre class="highlight"><code>HTTP/1.1 422 Unprocessable Entity`+"\n</code></pre></div></div>", 1)
	return strings.Replace(page, jsonBlock(`{"errors": {"size": ["is too big"]}}`),
		`<div class="language-json highlighter-rouge"><div class="highlight"><pre class="highlight"><code><span class="p">{</span><span class="nl">"errors"</span><span class="p">:</span><span class="w"> </span><span class="p">{</span><span class="nl">"size"</span><span class="p">:</span><span class="w"> </span><span class="p">[</span><span class="s2">"is too big"</span><span class="p">]}}</span>`+"\n</code></pre></div></div>\n", 1)
}

// site serves the widget pages rendered; index links to the round page, the
// round page to the square one; download and secret are linked from nowhere.
func site(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	nav := []string{"index.html", "widget_round.html", "v1.html"}
	served := map[string]string{
		"/docs/":                   render("---\ntitle: Home\n---\n<p>See <a href=\"widget_round.html\">widgets</a>.</p>", nav...),
		"/docs/index.html":         render("---\ntitle: Home\n---\n<p>See <a href=\"widget_round.html\">widgets</a> and <a href=\"../outside.html\">elsewhere</a>.</p>", nav...),
		"/docs/widget_round.html":  render(kramdownErrors(pages["widget_round.md"]), append(nav, "widget_square.html")...),
		"/docs/widget_square.html": render(pages["widget_square.md"], nav...),
		"/docs/download.html":      render(pages["download.md"], nav...),
		"/docs/secret.html":        render(pages["secret.md"], nav...),
		"/docs/about.html":         render(pages["about.md"], nav...),
		"/outside.html":            render("---\ntitle: Outside\n---\n"+linkSection("GET", "/api/v9/nothing", "Nothing", status("200 OK")), nav...),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := served[r.URL.Path]
		if !ok { // v1.html is a broken link
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoadSiteCrawlsAndNamesPages(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	srv := site(t, widgetPages())
	l := &Loader{Client: srv.Client(), Extra: spec.DocsPages()}
	sources, err := l.Load(context.Background(), srv.URL+"/docs/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 1 || sources[0].Scope != ScopeAll {
		t.Fatalf("sources = %+v", sources)
	}
	var names []string
	for _, p := range sources[0].Pages {
		names = append(names, p.File)
	}
	want := "index.html download.html secret.html widget_round.html about.html widget_square.html"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("pages fetched = %s\nwant %s (same directory only, broken links skipped)", got, want)
	}
	r := Check(spec, sources[0].Name, sources[0].Pages, sources[0].Scope)
	for _, f := range r.Drift() {
		t.Errorf("rendered pages drift: %s", f)
	}
	if r.Operations != 4 {
		t.Errorf("operations = %d, want 4", r.Operations)
	}
}

func TestLoadSiteWithoutExtraReportsUnreachedOperations(t *testing.T) {
	t.Parallel()
	spec := widgetSpec(t)
	srv := site(t, widgetPages())
	l := &Loader{Client: srv.Client()}
	sources, err := l.Load(context.Background(), srv.URL+"/docs/")
	if err != nil {
		t.Fatal(err)
	}
	r := Check(spec, sources[0].Name, sources[0].Pages, sources[0].Scope)
	assertFindings(t, r.Drift(), []match{
		{kind: Extra, opID: "downloadWidget", subject: "operation"},
		{kind: Extra, opID: "getWidgetSecret", subject: "operation"},
	})
}

func TestLoadSiteErrors(t *testing.T) {
	t.Parallel()
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		_, _ = w.Write([]byte("<html></html>"))
	}))
	t.Cleanup(elsewhere.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.html":
			_, _ = w.Write([]byte(strings.Repeat("x", 2048)))
		case "/away.html":
			http.Redirect(w, r, elsewhere.URL+"/page.html", http.StatusFound)
		case "/broken.html":
			http.Error(w, "down", http.StatusBadGateway)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	tests := []struct{ path, want string }{
		{"/missing.html", "404 Not Found"},
		{"/big.html", "larger than 1024 bytes"},
		{"/away.html", "redirect to another host"},
		{"/broken.html", "502 Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			l := &Loader{MaxPageBytes: 1024} // default client: same-host redirects only
			_, err := l.Load(context.Background(), srv.URL+tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if n := other.Load(); n != 0 {
		t.Errorf("the other host was asked %d times", n)
	}
}

func TestLoadSiteHonoursContext(t *testing.T) {
	t.Parallel()
	srv := site(t, widgetPages())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Loader{Client: srv.Client()}).Load(ctx, srv.URL+"/docs/index.html"); err == nil {
		t.Fatal("Load with a cancelled context succeeded")
	}
}

func TestLoadFolders(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	pagesDir := filepath.Join(root, "pages")
	seedDir := filepath.Join(root, "seed")
	for _, d := range []string{pagesDir, seedDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range widgetPages() {
		if err := os.WriteFile(filepath.Join(pagesDir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(seedDir, "secret.md"), []byte(widgetPages()["secret.md"]), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &Loader{}
	tests := []struct {
		name, location string
		want           []Source // Pages counted only
		pages          []int
	}{
		{"docs repository", root, []Source{{Name: pagesDir, Scope: ScopeAll}, {Name: filepath.Join(seedDir, "secret.md"), Scope: ScopePages}}, []int{7, 1}},
		{"pages folder", pagesDir, []Source{{Name: pagesDir, Scope: ScopeAll}}, []int{7}},
		{"one page", filepath.Join(pagesDir, "secret.md"), []Source{{Name: filepath.Join(pagesDir, "secret.md"), Scope: ScopePages}}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Load(context.Background(), tt.location)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d sources, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].Name != tt.want[i].Name || got[i].Scope != tt.want[i].Scope || len(got[i].Pages) != tt.pages[i] {
					t.Errorf("source %d = %s scope %d with %d pages, want %s scope %d with %d", i,
						got[i].Name, got[i].Scope, len(got[i].Pages), tt.want[i].Name, tt.want[i].Scope, tt.pages[i])
				}
			}
		})
	}
	for _, bad := range []string{filepath.Join(root, "nope"), t.TempDir()} {
		if _, err := l.Load(context.Background(), bad); err == nil {
			t.Errorf("Load(%s) succeeded", bad)
		}
	}
}
