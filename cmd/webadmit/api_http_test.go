package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// TestAPIHTTPClient: 'webadmit api' reaches the library's own HTTP client,
// which sends the key to the API and reads redirects instead of following
// them. Should the library change how API() is built, this fails first.
func TestAPIDoer(t *testing.T) {
	t.Parallel()
	s := webadmittest.NewTest(t, webadmittest.DemoData())
	c, err := wrapper.New(s.APIKey(), wrapper.WithBaseURL(s.URL()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	a := &app{client: c}
	hc, err := a.apiDoer()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(wrapper.WithoutRedirects(context.Background()), http.MethodGet, s.URL()+demoZipPath, nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), s.StoreURL()) {
		t.Errorf("%s, Location %q: want the 302 itself, with the key accepted", resp.Status, resp.Header.Get("Location"))
	}
	if len(s.Recorder().Leaks()) != 0 {
		t.Errorf("the store got the key")
	}
}
