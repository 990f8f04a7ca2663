package s3test_test

// The wrapper's store-side download tests, against SeaweedFS's S3 gateway
// instead of the sandbox's built-in store: the sandbox puts each run's file
// into a bucket and hands out SigV4 URLs from the AWS SDK's presign client,
// so every 403, 206, 412, ETag and stored header below is SeaweedFS's own.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/internal/s3test"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
	"github.com/webadmit-go/webadmit/wrapper"
)

const identity = webadmittest.DemoIdentityID

// sandbox starts the fake API with its files on SeaweedFS, URLs valid for
// lifetime.
func sandbox(t *testing.T, store *s3store.Store, lifetime time.Duration, opts ...webadmittest.Option) *webadmittest.Server {
	t.Helper()
	return webadmittest.NewTest(t, append([]webadmittest.Option{webadmittest.WithObjectStore(store),
		webadmittest.WithURLLifetime(lifetime)}, opts...)...)
}

// client is a wrapper client of srv that polls fast and downloads through
// tr.
func client(t *testing.T, srv *webadmittest.Server, tr *storeTransport) *wrapper.Client {
	t.Helper()
	api := &http.Transport{}
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithHTTPClient(&http.Client{Transport: api, Timeout: time.Minute}),
		wrapper.WithDownloadHTTPClient(tr.client()),
		wrapper.WithPollPolicy(wrapper.PollPolicy{MinDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
			MaxWait: time.Minute, Multiplier: 2}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseIdleConnections(); api.CloseIdleConnections() })
	return c
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// content reads an export's bytes from the sandbox.
func content(t *testing.T, srv *webadmittest.Server, exportID int) []byte {
	t.Helper()
	b, err := io.ReadAll(srv.ExportContent(exportID))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keyOf is the object key of a path-style URL of the test bucket.
func keyOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := strings.CutPrefix(u.Path, "/"+s3test.Bucket+"/")
	if !ok {
		t.Fatalf("URL path %s is not in bucket %s", u.Path, s3test.Bucket)
	}
	return key
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestS3DownloadIsIntact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		size        int64
		partSize    int64 // 0: one PutObject
		cutAt       int64 // 0: no cut
		wantResumes int
	}{
		{name: "one PutObject", size: 3 << 20},
		{name: "one PutObject, cut once", size: 3 << 20, cutAt: 1 << 20, wantResumes: 1},
		{name: "multipart upload (ETag of parts), cut once", size: 12 << 20, partSize: 5 << 20, cutAt: 7 << 20, wantResumes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, s3test.NewStore(t, s3store.Options{PartSize: tt.partSize}), 10*time.Second,
				webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Generated", Size: tt.size}))
			tr := newStoreTransport(t)
			if tt.cutAt > 0 {
				tr.cutAfter[1] = tt.cutAt
			}
			path := filepath.Join(t.TempDir(), "export.csv")
			res, err := client(t, srv, tr).RunExport(t.Context(), identity, 7, wrapper.ToFile(path, wrapper.FileOptions{}))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := sum(content(t, srv, 7))
			if sum(got) != want || res.SHA256 != want {
				t.Fatalf("file SHA-256 %s (result %s), want the source's %s", sum(got), res.SHA256, want)
			}
			if res.Resumes != tt.wantResumes {
				t.Errorf("Resumes = %d, want %d", res.Resumes, tt.wantResumes)
			}
			log := tr.log()
			if tt.partSize > 0 && !strings.HasSuffix(log[0].etag, `-3"`) {
				t.Errorf("ETag %s is not a three-part multipart ETag", log[0].etag)
			}
			for _, x := range log[1:] {
				if x.ifMatch != log[0].etag || x.status != http.StatusPartialContent {
					t.Errorf("resume: If-Match %s, status %d; want the first ETag %s and 206", x.ifMatch, x.status, log[0].etag)
				}
			}
		})
	}
}

// TestS3CutThenExpired cuts the download, then holds the resumed request
// until its fresh URL has expired, so SeaweedFS refuses it with its real
// 403; the wrapper must ask the API for another URL and resume with Range.
func TestS3CutThenExpired(t *testing.T) {
	t.Parallel()
	const size, cut = 4 << 20, 1<<20 + 17
	// Two seconds, which SigV4's whole seconds make one to two.
	srv := sandbox(t, s3test.NewStore(t, s3store.Options{}), 2*time.Second,
		webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Generated", Size: size}))
	tr := newStoreTransport(t)
	tr.cutAfter[1] = cut
	tr.holdUntilExpired[2] = true
	path := filepath.Join(t.TempDir(), "export.csv")
	res, err := client(t, srv, tr).RunExport(t.Context(), identity, 7, wrapper.ToFile(path, wrapper.FileOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := sum(content(t, srv, 7)); sum(got) != want {
		t.Fatalf("file SHA-256 %s, want the source's %s", sum(got), want)
	}
	log := tr.log()
	if len(log) != 3 {
		t.Fatalf("%d store requests, want 3 (cut, expired, resumed): %v", len(log), log)
	}
	expired, resumed := log[1], log[2]
	if expired.status != http.StatusForbidden || !strings.Contains(expired.errorBody, "<Code>AccessDenied</Code>") ||
		!strings.Contains(expired.errorBody, "<Message>Request has expired</Message>") {
		t.Errorf("held request: %d %s; want SeaweedFS's 403 AccessDenied, Request has expired", expired.status, expired.errorBody)
	}
	if resumed.status != http.StatusPartialContent || resumed.rangeHeader != "bytes=1048593-" || resumed.ifMatch != log[0].etag {
		t.Errorf("resume: %d, Range %q, If-Match %s; want 206, bytes=1048593-, %s", resumed.status, resumed.rangeHeader, resumed.ifMatch, log[0].etag)
	}
	// The resumed URL was signed after the held one expired, so it differs
	// from it. (The first two may be the same: SigV4 URLs of one key signed
	// in the same second with the same lifetime are identical.)
	if log[1].url == log[2].url {
		t.Error("the resume reused the expired URL instead of asking the API for a fresh one")
	}
	if res.Resumes != 1 {
		t.Errorf("Resumes = %d, want 1", res.Resumes)
	}
}

// TestS3StoredContentEncoding: SeaweedFS, as S3, sends the stored
// Content-Encoding with every answer, Range ones included; the file must
// hold the stored (gzip) bytes, cut and resumed or not.
func TestS3StoredContentEncoding(t *testing.T) {
	t.Parallel()
	var plain bytes.Buffer
	for i := range 40000 {
		plain.WriteString("1000" + strings.Repeat("x", i%13) + ",Zoë,Ødegaard\n")
	}
	var stored bytes.Buffer
	zw := gzip.NewWriter(&stored)
	if _, err := zw.Write(plain.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int64{0, int64(stored.Len()) / 2} {
		t.Run(fmt.Sprintf("cut at byte %d", cut), func(t *testing.T) {
			t.Parallel()
			srv := sandbox(t, s3test.NewStore(t, s3store.Options{}), 10*time.Second,
				webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Gzipped",
					Content: stored.Bytes(), ContentEncoding: "gzip"}))
			tr := newStoreTransport(t)
			if cut > 0 {
				tr.cutAfter[1] = cut
			}
			path := filepath.Join(t.TempDir(), "export.csv")
			res, err := client(t, srv, tr).RunExport(t.Context(), identity, 7, wrapper.ToFile(path, wrapper.FileOptions{}),
				wrapper.TranscodeToUTF8()) // must not touch stored bytes
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, stored.Bytes()) {
				t.Fatalf("wrote %d bytes, want the %d stored gzip bytes as they are", len(got), stored.Len())
			}
			if res.ContentEncoding != "gzip" || res.Transcoded {
				t.Errorf("ContentEncoding %q, Transcoded %v; want gzip, false", res.ContentEncoding, res.Transcoded)
			}
			for i, x := range tr.log() {
				if x.contentEncoding != "gzip" {
					t.Errorf("answer %d (Range %q): Content-Encoding %q, want SeaweedFS's stored gzip", i+1, x.rangeHeader, x.contentEncoding)
				}
			}
		})
	}
}

// TestS3ResumeHoldsETag replaces the object between a cut and the resume
// with other bytes of the same size: only the ETag tells them apart, and
// SeaweedFS must refuse the resumed request's If-Match with 412.
func TestS3ResumeHoldsETag(t *testing.T) {
	t.Parallel()
	const size = 2 << 20
	store := s3test.NewStore(t, s3store.Options{})
	srv := sandbox(t, store, 10*time.Second,
		webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Generated", Size: size}))
	tr := newStoreTransport(t)
	tr.cutAfter[1] = 1 << 20
	var replaced error
	tr.afterCut = func() {
		other := bytes.Repeat([]byte{'#'}, size)
		replaced = store.Put(context.Background(), webadmittest.Object{Key: keyOf(t, tr.log()[0].url),
			Body: bytes.NewReader(other), Size: size, ContentType: "text/csv;charset=iso-8859-1"})
	}
	dir := t.TempDir()
	_, err := client(t, srv, tr).RunExport(t.Context(), identity, 7, wrapper.ToFile(filepath.Join(dir, "export.csv"), wrapper.FileOptions{}))
	if replaced != nil {
		t.Fatal(replaced)
	}
	if !errors.Is(err, wrapper.ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("left %v behind", names)
	}
	log := tr.log()
	if len(log) != 2 {
		t.Fatalf("%d store requests, want 2: %v", len(log), log)
	}
	if x := log[1]; x.ifMatch != log[0].etag || x.status != http.StatusPreconditionFailed ||
		!strings.Contains(x.errorBody, "<Code>PreconditionFailed</Code>") {
		t.Errorf("resume: If-Match %s, %d %s; want If-Match %s answered 412 PreconditionFailed", x.ifMatch, x.status, x.errorBody, log[0].etag)
	}
}

// TestS3ServerNames: files written into a directory take the name of
// SeaweedFS's Content-Disposition, for an export and for the zip files of
// a PDF Manager batch (whose 302 Location is a SeaweedFS URL).
func TestS3ServerNames(t *testing.T) {
	t.Parallel()
	t.Run("export", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, s3test.NewStore(t, s3store.Options{}), 10*time.Second,
			webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Nightly Banner Export",
				Content: []byte("cas_id,name\n1,Zoë\n"), FileName: "Nightly-Banner-Export.csv"}))
		dir := t.TempDir()
		res, err := client(t, srv, newStoreTransport(t)).RunExport(t.Context(), identity, 7, wrapper.ToFile(dir, wrapper.FileOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, "Nightly-Banner-Export.csv")
		if res.FileName != "Nightly-Banner-Export.csv" || len(res.Paths) != 1 || res.Paths[0] != want {
			t.Errorf("FileName %q, Paths %v; want %s", res.FileName, res.Paths, want)
		}
	})
	t.Run("PDF Manager zip files", func(t *testing.T) {
		t.Parallel()
		zips := [][]byte{[]byte("PK\x03\x04 first zip"), []byte("PK\x03\x04 second zip")}
		srv := sandbox(t, s3test.NewStore(t, s3store.Options{}), 10*time.Second,
			webadmittest.WithPDFTemplates(webadmittest.PDFTemplate{ID: 2, IdentityID: identity, Name: "Accepted Offers", ZipFiles: zips}))
		tr := newStoreTransport(t)
		dir := t.TempDir()
		res, err := client(t, srv, tr).RunPDFBatch(t.Context(), identity, 2, wrapper.ZipFilesToDir(dir, wrapper.FileOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.ZipFiles) != len(zips) {
			t.Fatalf("%d zip files, want %d", len(res.ZipFiles), len(zips))
		}
		for i, z := range res.ZipFiles {
			got, err := os.ReadFile(filepath.Join(dir, z.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, zips[i]) || !strings.HasSuffix(z.FileName, "-"+string(rune('1'+i))+".zip") {
				t.Errorf("zip %d: %q holds %q", i+1, z.FileName, got)
			}
		}
		for _, x := range tr.log() {
			if !strings.Contains(x.url, "X-Amz-Signature=") {
				t.Error("a zip file was not fetched with a SigV4 URL")
			}
		}
	})
}

// TestS3ParallelRangedDownload: a 40 MiB file, uploaded in 8 MiB parts
// (a multipart ETag), comes in three 16 MiB parts over several connections:
// part 0 from the first answer, the others with Range and If-Match the
// first ETag, each answered 206 by SeaweedFS. A part cut mid-way resumes
// from its own offset; two parts held until their URL expired get
// SeaweedFS's own 403 and share one fresh URL.
func TestS3ParallelRangedDownload(t *testing.T) {
	t.Parallel()
	const size = 40 << 20
	tests := []struct {
		name      string
		cut       bool // cut the third successful answer after 1 MiB
		expire    bool // hold the second and third requests until their URL expired
		wantFresh int  // status calls for fresh URLs
	}{
		{name: "three parts"},
		{name: "a part cut mid-way", cut: true},
		{name: "two parts refused as expired", expire: true, wantFresh: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lifetime := 10 * time.Second
			if tt.expire {
				lifetime = 2 * time.Second // one to two (SigV4 counts whole seconds)
			}
			srv := sandbox(t, s3test.NewStore(t, s3store.Options{PartSize: 8 << 20}), lifetime,
				webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: identity, Name: "Generated", Size: size}))
			tr := newStoreTransport(t)
			if tt.cut {
				tr.cutAfter[3] = 1 << 20
			}
			if tt.expire {
				tr.holdUntilExpired[2], tr.holdUntilExpired[3] = true, true
			}
			c := client(t, srv, tr)
			run, err := c.StartExport(t.Context(), identity, 7)
			if err == nil {
				_, err = run.Wait(t.Context())
			}
			if err != nil {
				t.Fatal(err)
			}
			before := srv.Recorder().Calls(webadmittest.EndpointGetExportFile)
			path := filepath.Join(t.TempDir(), "export.csv")
			res, err := run.Download(t.Context(), wrapper.ToFile(path, wrapper.FileOptions{}), wrapper.Connections(4))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if want := sum(content(t, srv, 7)); sum(got) != want || res.SHA256 != want {
				t.Fatalf("file SHA-256 %s (result %s), want the source's %s", sum(got), res.SHA256, want)
			}
			log := tr.log()
			if log[0].rangeHeader != "" || !strings.HasSuffix(log[0].etag, `-5"`) {
				t.Errorf("first request: Range %q, ETag %s; want the whole file with a five-part multipart ETag", log[0].rangeHeader, log[0].etag)
			}
			parts, expired, resumed := 0, 0, false
			for _, x := range log[1:] {
				switch {
				case x.ifMatch != log[0].etag || !strings.HasPrefix(x.rangeHeader, "bytes=") || strings.HasSuffix(x.rangeHeader, "-"):
					t.Errorf("part request %v: want a bounded Range and If-Match %s", x, log[0].etag)
				case x.status == http.StatusForbidden && strings.Contains(x.errorBody, "<Message>Request has expired</Message>"):
					expired++
				case x.status != http.StatusPartialContent:
					t.Errorf("part request %v: want 206", x)
				case x.rangeHeader == fmt.Sprintf("bytes=%d-%d", 16<<20, 32<<20-1) || x.rangeHeader == fmt.Sprintf("bytes=%d-%d", 32<<20, size-1):
					parts++
				default:
					resumed = true // from inside a part
				}
			}
			fresh := srv.Recorder().Calls(webadmittest.EndpointGetExportFile) - before
			if tt.expire && expired != 2 || fresh != tt.wantFresh || resumed != tt.cut || (tt.cut && res.Resumes != 1) {
				t.Errorf("%d parts asked whole, %d refused as expired, resumed %v (%d), %d fresh URLs: %v", parts, expired, resumed, res.Resumes, fresh, log)
			}
		})
	}
}
