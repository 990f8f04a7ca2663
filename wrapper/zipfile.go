package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// ZipResult reports one downloaded PDF Manager zip file.
type ZipResult struct {
	ZipFileID   int
	FileName    string   // name the file was given: the server's (Content-Disposition, made safe) or pdf-manager-…zip
	ContentType string   // Content-Type of the download
	Bytes       int64    // bytes written to the destination
	SHA256      string   // hex SHA-256 of the bytes written
	Paths       []string // files created: the zip file, or the files extracted from it
	Resumes     int      // times the download resumed after a cut or an expired URL
	URLCalls    int      // downloadPdfManagerZipFile calls: one per fresh redirect
	// ContentEncoding is the content coding the zip is stored with, "" for
	// none; the file holds the bytes as stored.
	ContentEncoding string
}

// zipURL returns the transfer's source of fresh URLs for a zip file: each
// call asks the API for the zip again and reads the pre-signed URL from
// its redirect, which the API client does not follow: the file is fetched
// with the object-store client, which never carries the key.
func (c *Client) zipURL(z PDFZipFile, calls *int) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		*calls++
		resp, err := c.raw.DownloadPdfManagerZipFile(WithoutRedirects(ctx), z.IdentityID, z.ID)
		if err != nil {
			return "", err
		}
		return c.redirectTarget(resp)
	}
}

// redirectTarget returns the Location of a redirect answer, resolved
// against the request; any other answer is an error (a 404 for a batch
// without files, say). It reads and closes the body.
func (c *Client) redirectTarget(resp *http.Response) (string, error) {
	body, rerr := answer.ReadBody(resp)
	if rerr != nil && !errors.Is(rerr, answer.ErrTooLarge) {
		return "", fmt.Errorf("reading the answer to %s %s: %w", resp.Request.Method, redact.ParsedURL(resp.Request.URL), redact.Error(rerr))
	}
	loc, bad := answer.Location(resp, c.key)
	switch {
	case bad != nil:
		return "", (*APIError)(bad)
	case loc != "":
		return loc, nil
	}
	if err := checkResponse(resp, body, c.clock.Now(), c.key); err != nil {
		return "", err
	}
	e := newAPIError(resp, nil, c.key)
	e.Message = fmt.Sprintf("expected a redirect to the object store, got %d", resp.StatusCode)
	return "", e
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
func (c *Client) downloadZip(ctx context.Context, d zipDownload, s dest.Sink, rc *runConfig) (res *ZipResult, err error) {
	res = &ZipResult{ZipFileID: d.zip.ID}
	defer func() {
		if err != nil {
			s.Abort()
		}
	}()
	zrc := *rc
	zrc.utf8 = false // a zip is binary, whatever its Content-Type says
	ev := d.ev
	ev.ZipFileID = d.zip.ID
	what := fmt.Sprintf("PDF Manager zip file %d", d.zip.ID)
	attrs := []any{"pdf_manager_batch_id", ev.BatchID, "pdf_manager_zip_file_id", d.zip.ID}
	t := c.newTransfer(&zrc, s, what, attrs, ev, c.zipURL(d.zip, &res.URLCalls))
	t.Name = d.fileName
	tr, paths, err := c.fetch(ctx, rc, t, s)
	res.Resumes, res.ContentType, res.ContentEncoding = tr.Resumes, tr.Meta.ContentType, tr.Meta.ContentEncoding
	if err != nil {
		return res, err
	}
	res.Bytes, res.SHA256, res.Paths, res.FileName = tr.Written, tr.SHA256, paths, tr.Meta.FileName
	if len(paths) == 1 {
		res.FileName = filepath.Base(paths[0]) // a number may have been added
	}
	ev.Kind, ev.Bytes, ev.Total, ev.FileName = EventDone, tr.Received, tr.Total, res.FileName
	rc.emit(ev)
	return res, nil
}
