package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/webadmit-go/webadmit/generated"
)

// ZipResult reports one downloaded PDF Manager zip file.
type ZipResult struct {
	ZipFileID   int
	FileName    string // name the file was given: the server's (Content-Disposition, made safe) or pdf-manager-…zip
	ContentType string // Content-Type of the download
	// ContentEncoding is the content coding the zip is stored with, "" for
	// none; the file holds the bytes as stored.
	ContentEncoding string
	Bytes           int64    // bytes written to the destination
	SHA256          string   // hex SHA-256 of the bytes written
	Paths           []string // files created: the zip file, or the files extracted from it
	Resumes         int      // times the download resumed after a cut or an expired URL
	URLCalls        int      // downloadPdfManagerZipFile calls: one per fresh redirect
}

// newRedirectReader returns a generated client over a copy of hc that does
// not follow redirects: the zip download's 302 is read, and its Location
// fetched with the object-store client, which never carries the key.
func newRedirectReader(base string, hc *http.Client) (*generated.Client, error) {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return generated.NewClient(base, generated.WithHTTPClient(&cp))
}

// zipURL returns the transfer's source of fresh URLs for a zip file: each
// call asks the API for the zip again and reads the pre-signed URL from
// its redirect.
func (c *Client) zipURL(z PDFZipFile, calls *int) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		*calls++
		resp, err := c.zipAPI.DownloadPdfManagerZipFile(ctx, z.IdentityID, z.ID)
		if err != nil {
			return "", redactError(err)
		}
		return c.redirectTarget(resp)
	}
}

// redirectTarget returns the Location of a redirect answer, resolved
// against the request; any other answer is an error (a 404 for a batch
// without files, say). It reads and closes the body.
func (c *Client) redirectTarget(resp *http.Response) (string, error) {
	body, rerr := readBody(resp)
	if rerr != nil && !errors.Is(rerr, errBodyTooLarge) {
		return "", fmt.Errorf("webadmit: reading the answer to %s %s: %w", resp.Request.Method, redactParsedURL(resp.Request.URL), redactError(rerr))
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := strings.TrimSpace(resp.Header.Get("Location"))
		if loc == "" {
			return "", redirectError(resp, "the redirect has no Location header", c.key)
		}
		u, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return "", redirectError(resp, "the redirect's Location is not a URL", c.key)
		}
		return u.String(), nil
	}
	if err := checkResponse(resp, body, c.clock.Now(), c.key); err != nil {
		return "", err
	}
	return "", redirectError(resp, fmt.Sprintf("expected a redirect to the object store, got %d", resp.StatusCode), c.key)
}

// redirectError is an answer to a zip download that is not the documented
// redirect; no retry can fix it.
func redirectError(resp *http.Response, msg string, secrets ...string) error {
	e := newAPIError(resp, nil, secrets...)
	e.Message = msg
	return e
}

// zipDownload is one zip file to download into a sink.
type zipDownload struct {
	zip      PDFZipFile
	ev       Event  // batch and zip ids for the events
	fallback string // file name when the server proposes none
}

// fileName is the name the zip file is given when the server proposes
// server: that one, or the fallback when it proposes none. (The sink
// numbers a name another zip of the batch took.)
func (d zipDownload) fileName(server string) string {
	if server == "" {
		return d.fallback
	}
	return server
}

// downloadZip downloads one zip file into s and commits it; on failure s is
// aborted. The transfer is the export one: fresh URLs come from the zip's
// redirect, resumes use Range.
func (c *Client) downloadZip(ctx context.Context, d zipDownload, s sink, rc *runConfig) (res *ZipResult, err error) {
	res = &ZipResult{ZipFileID: d.zip.ID}
	defer func() {
		if err != nil {
			s.abort()
		}
	}()
	zrc := *rc
	zrc.utf8 = false // a zip is binary, whatever its Content-Type says
	ev := d.ev
	ev.ZipFileID = d.zip.ID
	t := &transfer{c: c, rc: &zrc, fresh: c.zipURL(d.zip, &res.URLCalls), total: -1, name: d.fileName,
		what:  fmt.Sprintf("PDF Manager zip file %d", d.zip.ID),
		ev:    ev,
		attrs: []any{"pdf_manager_batch_id", ev.BatchID, "pdf_manager_zip_file_id", d.zip.ID},
	}
	t.out = newOutput(s, func(n int64) {
		e := t.event(EventBytes)
		e.Bytes = n
		rc.emit(e)
	})
	err = t.run(ctx)
	res.Resumes, res.ContentType = t.resumes, t.meta.ContentType
	if err != nil {
		return res, err
	}
	if err := t.out.finish(); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("webadmit: downloading %s: %w", t.what, context.Cause(ctx))
	}
	name := d.fileName(t.meta.FileName)
	t.meta.FileName = name
	res.Bytes, res.SHA256, res.ContentEncoding = t.out.written(), t.out.sum(), t.meta.ContentEncoding
	paths, err := s.commit(&t.meta)
	if err != nil {
		return res, err
	}
	if len(paths) == 1 {
		name = filepath.Base(paths[0]) // a number may have been added
	}
	res.FileName, res.Paths = name, paths
	c.log.Info("webadmit: PDF Manager zip file downloaded", "pdf_manager_batch_id", ev.BatchID, "pdf_manager_zip_file_id", d.zip.ID,
		"bytes", res.Bytes, "resumes", res.Resumes, "sha256", res.SHA256)
	done := t.event(EventDone)
	done.FileName = name
	rc.emit(done)
	return res, nil
}

// DownloadPDFZipFile downloads one zip file of a finished PDF Manager batch
// (an id from PDFBatch.ZipFiles) to dst: ToFile, ToWriter, or ToDir to
// extract it. The API answers with a redirect to the object store; the
// client reads it rather than following it, and fetches the file with its
// download client, which never sends the API key. An expired or refused URL
// or a cut connection is resumed with a fresh redirect and a Range request,
// as for exports. A zip of a batch that is not finished is ErrNotFound (the
// API's answer).
func (c *Client) DownloadPDFZipFile(ctx context.Context, identityID, zipFileID int, dst Destination, opts ...RunOption) (*ZipResult, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		return nil, err
	}
	s, err := dst.open(nil)
	if err != nil {
		return nil, c.fail("download PDF zip file", err)
	}
	z := PDFZipFile{IdentityID: identityID, ID: zipFileID,
		Href: fmt.Sprintf("/api/v1/user_identities/%d/pdf_manager_zip_files/%d/download", identityID, zipFileID)}
	res, err := c.downloadZip(ctx, zipDownload{zip: z, ev: Event{ZipIndex: 1, ZipCount: 1, Status: StatusAvailable},
		fallback: fmt.Sprintf("pdf-manager-zip-file-%d.zip", zipFileID)}, s, rc)
	return res, c.fail("download PDF zip file", err)
}
