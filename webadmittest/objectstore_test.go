package webadmittest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// memStore is an ObjectStore in memory, served by an httptest server whose
// URLs carry their expiry in the query.
type memStore struct {
	srv *httptest.Server

	mu      sync.Mutex
	objects map[string]webadmittest.Object // Body read into data
	data    map[string][]byte
	puts    int
	presign []time.Time // the expires of every URL
	failPut int         // Puts still to fail
}

func newMemStore(t *testing.T) *memStore {
	m := &memStore{objects: map[string]webadmittest.Object{}, data: map[string][]byte{}}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *memStore) Put(_ context.Context, obj webadmittest.Object) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	if m.failPut > 0 {
		m.failPut--
		return errors.New("memStore: refused")
	}
	b, err := io.ReadAll(obj.Body)
	if err != nil {
		return err
	}
	if int64(len(b)) != obj.Size {
		return errors.New("memStore: body and size disagree")
	}
	obj.Body = nil
	m.objects[obj.Key], m.data[obj.Key] = obj, b
	return nil
}

func (m *memStore) PresignGet(_ context.Context, key string, expires time.Time) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.presign = append(m.presign, expires)
	return m.srv.URL + "/" + key + "?expires=" + strconv.FormatInt(expires.UnixMilli(), 10), nil
}

func (m *memStore) serve(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
	if time.Now().After(time.UnixMilli(ms)) {
		http.Error(w, "Request has expired", http.StatusForbidden)
		return
	}
	m.mu.Lock()
	obj, ok := m.objects[strings.TrimPrefix(r.URL.Path, "/")]
	data := m.data[obj.Key]
	m.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", obj.ContentType)
	w.Header().Set("Content-Disposition", obj.ContentDisposition)
	if obj.ContentEncoding != "" {
		w.Header().Set("Content-Encoding", obj.ContentEncoding)
	}
	_, _ = w.Write(data)
}

func (m *memStore) stats() (puts int, expires []time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.puts, append([]time.Time(nil), m.presign...)
}

func (m *memStore) object(key string) (webadmittest.Object, []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.objects[key], m.data[key]
}

// keyOf is the object key of a memStore URL.
func keyOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func TestObjectStoreServesRunFiles(t *testing.T) {
	t.Parallel()
	const lifetime = 5 * time.Second
	gz := webadmittest.Export{ID: 7, IdentityID: webadmittest.DemoIdentityID, Name: "Stored Gzip",
		Content: []byte("\x1f\x8b not really gzip"), ContentEncoding: "gzip", FileName: "stored.csv"}
	tests := []struct {
		name   string
		export webadmittest.Export
		want   func(*webadmittest.Server) []byte
	}{
		{"given content with a content coding", gz, func(*webadmittest.Server) []byte { return gz.Content }},
		{"generated content", generatedExport(8, 1<<20), func(s *webadmittest.Server) []byte { return contentOf(t, s, 8) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mem := newMemStore(t)
			srv := webadmittest.NewTest(t, webadmittest.WithExports(tt.export),
				webadmittest.WithObjectStore(mem), webadmittest.WithURLLifetime(lifetime))
			c := newClient(t, srv)
			run := startRun(t, c, webadmittest.DemoIdentityID, tt.export.ID)
			var wg sync.WaitGroup
			urls := make([]string, 4)
			for i := range urls { // concurrent first requests share one Put
				wg.Go(func() {
					if ef := waitFile(t, c, tt.export.ID, run); ef.DownloadUrl != nil {
						urls[i] = *ef.DownloadUrl
					}
				})
			}
			wg.Wait()
			before := time.Now()
			for _, u := range urls {
				if !strings.HasPrefix(u, mem.srv.URL+"/export_files/reports/") {
					t.Fatalf("download_url %q is not on the object store", redact(u))
				}
			}
			puts, expires := mem.stats()
			if puts != 1 {
				t.Errorf("%d Puts of one run's file, want 1", puts)
			}
			for _, e := range expires {
				if d := e.Sub(before); d > lifetime || d < lifetime-2*time.Second {
					t.Errorf("URL expires in %v, want about %v", d, lifetime)
				}
			}
			obj, data := mem.object(keyOf(t, urls[0]))
			want := tt.want(srv)
			if !bytes.Equal(data, want) {
				t.Errorf("stored %d bytes, want the export's %d", len(data), len(want))
			}
			if obj.ContentType != string(tt.export.MimeType) && obj.ContentType != string(generated.ExportMimeTypeCSVLatin1) {
				t.Errorf("Content-Type %q", obj.ContentType)
			}
			if obj.ContentEncoding != tt.export.ContentEncoding {
				t.Errorf("Content-Encoding %q, want %q", obj.ContentEncoding, tt.export.ContentEncoding)
			}
			if !strings.HasPrefix(obj.ContentDisposition, "attachment; filename=") {
				t.Errorf("Content-Disposition %q", obj.ContentDisposition)
			}
			hc := httpClient(t)
			hc.Transport.(*http.Transport).DisableCompression = true // the bytes as stored
			resp, body := get(t, hc, http.MethodGet, urls[0])
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
				t.Errorf("GET of the download_url: %d, %d bytes", resp.StatusCode, len(body))
			}
		})
	}
}

func TestObjectStoreExpireURLFault(t *testing.T) {
	t.Parallel()
	mem := newMemStore(t)
	srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(7, "a,b\n")), webadmittest.WithObjectStore(mem),
		webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultExpireURL}))
	c := newClient(t, srv)
	_, u := readyURL(t, c, webadmittest.DemoIdentityID, 7)
	_, expires := mem.stats()
	if len(expires) == 0 || expires[len(expires)-1].After(time.Now()) {
		t.Fatalf("the fault's URL expires %v, want a time past", expires)
	}
	resp, _ := get(t, httpClient(t), http.MethodGet, u)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired URL answered %d, want 403", resp.StatusCode)
	}
}

func TestObjectStoreServesZipFiles(t *testing.T) {
	t.Parallel()
	mem := newMemStore(t)
	zip := []byte("PK\x03\x04 a zip")
	srv := webadmittest.NewTest(t, webadmittest.WithPDFTemplates(pdfTemplate(2, "", zip)), webadmittest.WithObjectStore(mem))
	c := noRedirects(t, srv)
	b := initiate(t, c, 2, nil)
	_, done := waitBatch(t, c, b.Id)
	if done.DownloadHrefs == nil || len(*done.DownloadHrefs) != 1 {
		t.Fatalf("batch has download_hrefs %v, want one", done.DownloadHrefs)
	}
	var zipID int
	if _, err := fmtSscanf((*done.DownloadHrefs)[0], "/api/v1/user_identities/42/pdf_manager_zip_files/%d/download", &zipID); err != nil {
		t.Fatal(err)
	}
	resp, err := c.DownloadPdfManagerZipFileWithResponse(context.Background(), webadmittest.DemoIdentityID, zipID)
	if err != nil {
		t.Fatal(err)
	}
	loc := resp.HTTPResponse.Header.Get("Location")
	if resp.StatusCode() != http.StatusFound || !strings.HasPrefix(loc, mem.srv.URL+"/pdf_manager_zip_files/") {
		t.Fatalf("zip download answered %d to %q, want 302 to the object store", resp.StatusCode(), redact(loc))
	}
	obj, data := mem.object(keyOf(t, loc))
	if !bytes.Equal(data, zip) || obj.ContentType != "application/zip" || !strings.Contains(obj.ContentDisposition, ".zip") {
		t.Errorf("stored zip: %q, %q, %q", data, obj.ContentType, obj.ContentDisposition)
	}
}

func TestObjectStoreFailedPutIsRetried(t *testing.T) {
	t.Parallel()
	mem := newMemStore(t)
	mem.failPut = 1
	srv := webadmittest.NewTest(t, webadmittest.WithExports(tinyExport(7, "a,b\n")), webadmittest.WithObjectStore(mem))
	c := newClient(t, srv)
	run := startRun(t, c, webadmittest.DemoIdentityID, 7)
	resp, err := rawClient(t, srv).GetExportFileWithResponse(context.Background(), 7, run)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusInternalServerError {
		t.Fatalf("a failed Put answered %d, want 500", resp.StatusCode())
	}
	if ef := waitFile(t, c, 7, run); ef.DownloadUrl == nil {
		t.Fatal("no download_url after the Put succeeded")
	}
	if puts, _ := mem.stats(); puts != 2 {
		t.Errorf("%d Puts, want 2 (one failed, one retried)", puts)
	}
}

func TestObjectStoreRefusesStoreFaults(t *testing.T) {
	t.Parallel()
	storeFault := webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultCutConnection, Bytes: 1}
	mem := newMemStore(t)
	if s, err := webadmittest.New(webadmittest.WithObjectStore(mem), webadmittest.WithFaults(storeFault)); err == nil {
		s.Close()
		t.Fatal("New accepted a store fault with WithObjectStore")
	}
	srv := webadmittest.NewTest(t, webadmittest.WithObjectStore(mem))
	defer func() {
		if recover() == nil {
			t.Error("AddFault accepted a store fault with WithObjectStore")
		}
	}()
	srv.AddFault(storeFault)
}
