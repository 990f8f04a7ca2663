package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/internal/s3test"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// urlRecorder notes the URL of every request it passes on.
type urlRecorder struct {
	mu   sync.Mutex
	urls []string
	base http.RoundTripper
}

func (r *urlRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

// TestSandboxS3EndpointFlag is `webadmit sandbox --s3-endpoint URL`, against
// SeaweedFS (make test-s3): the credentials and region come from the
// standard AWS environment, and a demo run's download_url is SeaweedFS's.
// Not parallel: it sets the environment.
func TestSandboxS3EndpointFlag(t *testing.T) {
	w := s3test.Server(t)
	none := filepath.Join(t.TempDir(), "none") // not the user's ~/.aws files
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKeyID, "AWS_SECRET_ACCESS_KEY": s3test.SecretAccessKey,
		"AWS_REGION": s3test.Region, "AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_PROFILE": "", "AWS_SESSION_TOKEN": ""} {
		t.Setenv(k, v)
	}
	flags := parseFlags(t, "listen=127.0.0.1:0", "s3-endpoint="+w.Endpoint, "s3-bucket="+s3test.Bucket)
	opts, err := flags.options(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := webadmittest.NewTest(t, opts...)
	if got := flags.storeText(srv.StoreURL()); !strings.HasPrefix(got, w.Endpoint) {
		t.Errorf("the store is described as %q", got)
	}
	rec := &urlRecorder{base: &http.Transport{DisableCompression: true}}
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithDownloadHTTPClient(&http.Client{Transport: rec, Timeout: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	var out bytes.Buffer
	res, err := c.ExportRun(webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner).Download(t.Context(), wrapper.ToWriter(&out))
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(srv.ExportContent(webadmittest.DemoExportNightlyBanner))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) || res.FileName != "Nightly-Banner-Export.csv" {
		t.Errorf("downloaded %d bytes named %q, want the demo export's %d bytes", out.Len(), res.FileName, len(want))
	}
	u, err := url.Parse(rec.urls[0])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(u.String(), w.Endpoint+"/"+s3test.Bucket+"/") || !strings.HasPrefix(q.Get("X-Amz-Credential"), s3test.AccessKeyID+"/") ||
		q.Get("X-Amz-Expires") != "30" {
		t.Errorf("download_url %s%s, X-Amz-Expires %s: want a 30-second SigV4 URL of the bucket made with the environment's key",
			u.Host, u.Path, q.Get("X-Amz-Expires"))
	}
}
