package webadmittest

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// objectTally is the object one store response serves, once it is known:
// countingWriter counts its bytes.
type objectTally struct {
	obj *storedObject // set once the request names one
}

// storedObject is a file the store serves: an export run's file or a PDF
// Manager zip file.
type storedObject struct {
	key          string
	content      content
	mimeType     string
	fileName     string
	encoding     string // Content-Encoding it is stored with, or ""
	lastModified time.Time
	runID        int // the export run, or 0 for a zip file
}

// objectAt returns the object stored under key, or nil.
func (s *Server) objectAt(key string) *storedObject {
	if run := s.runs.byObjectKey(key); run != nil {
		return &storedObject{key: key, content: s.contents[run.export.ID], mimeType: string(run.export.MimeType),
			fileName: run.export.FileName, encoding: run.export.ContentEncoding, lastModified: run.endsAt(), runID: run.id}
	}
	if z := s.pdf.zipAt(key); z != nil {
		return &storedObject{key: key, content: z.content, mimeType: "application/zip",
			fileName: z.name, lastModified: z.batch.endsAt()}
	}
	return nil
}

// countingWriter counts, in the recorder, the body bytes of the object
// being served. A write is counted before it is made (and corrected when
// it falls short), so that a byte the client has read is always counted:
// a test may read the recorder as soon as its download returns.
type countingWriter struct {
	http.ResponseWriter
	rec   *Recorder
	tally *objectTally
}

func (c *countingWriter) Write(p []byte) (int, error) {
	obj := c.tally.obj
	if obj != nil {
		c.rec.addBytes(obj.runID, obj.key, int64(len(p)))
	}
	n, err := c.ResponseWriter.Write(p)
	if obj != nil && n < len(p) {
		c.rec.addBytes(obj.runID, obj.key, int64(n-len(p)))
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// serveStore is the object store: GET and HEAD of export files and PDF
// Manager zip files by pre-signed URL.
func (s *Server) serveStore(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("x-api-key") != "" {
		leak := Leak{Time: time.Now(), Method: r.Method, Path: r.URL.Path,
			MatchesAPIKey: subtle.ConstantTimeCompare([]byte(r.Header.Get("x-api-key")), []byte(s.apiKey)) == 1}
		s.rec.addLeak(leak)
		s.log.Warn("webadmittest: object store request carries x-api-key (the API key leaked to another host)",
			"method", r.Method, "path", r.URL.Path)
	}
	s.rec.addCall(EndpointObject)
	s.log.Debug("webadmittest: store request", "method", r.Method, "path", r.URL.Path, "range", r.Header.Get("Range"))
	tally := &objectTally{}
	s.serveWithFaults(&countingWriter{ResponseWriter: w, rec: s.rec, tally: tally}, r, EndpointObject,
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveObject(w, r, tally) }))
}

// serveObject answers one GET or HEAD as S3 does.
func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, tally *objectTally) {
	requestID := s.requestID()
	w.Header().Set("x-amz-request-id", requestID)
	w.Header().Set("Server", "AmazonS3")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		(&s3Error{Status: http.StatusMethodNotAllowed, Code: "MethodNotAllowed",
			Message: "The specified method is not allowed against this resource.", Method: r.Method}).write(w, r, requestID)
		return
	}
	if r.Header.Get("Authorization") != "" {
		(&s3Error{Status: http.StatusBadRequest, Code: "InvalidArgument",
			Message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"}).write(w, r, requestID)
		return
	}
	key := strings.TrimPrefix(r.URL.Path, "/")
	if e := s.signer.verify(r.URL.Query(), key, time.Now(), expireURLRequested(r.Context())); e != nil {
		e.write(w, r, requestID)
		return
	}
	stored := s.objectAt(key)
	if stored == nil {
		(&s3Error{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist.", Key: key}).write(w, r, requestID)
		return
	}
	tally.obj = stored
	obj := stored.content
	if changedContentRequested(r.Context()) {
		// A broken store serving other bytes of the same size, without
		// honouring If-Match.
		obj = changedContent{obj}
		r.Header.Del("If-Match")
		r.Header.Del("If-Range")
	}
	size, etag := obj.Size(), obj.ETag()
	lastModified := stored.lastModified.UTC().Format(http.TimeFormat)

	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", lastModified)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", firstNonEmpty(r.URL.Query().Get(paramContentType), stored.mimeType))
	h.Set("Content-Disposition", firstNonEmpty(r.URL.Query().Get(paramDisposition), contentDisposition(stored.fileName)))
	if stored.encoding != "" {
		h.Set("Content-Encoding", stored.encoding)
	}

	if im := r.Header.Get("If-Match"); im != "" && !etagListMatches(im, etag) {
		(&s3Error{Status: http.StatusPreconditionFailed, Code: "PreconditionFailed",
			Message: "At least one of the pre-conditions you specified did not hold"}).write(w, r, requestID)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagListMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}

	rg, outcome := byteRange{start: 0, end: size - 1}, rangeWhole
	if rh := r.Header.Get("Range"); rh != "" {
		if ir := r.Header.Get("If-Range"); ir == "" || ir == etag || ir == lastModified {
			if got, o := parseRange(rh, size); o != rangeWhole {
				rg, outcome = got, o
			}
		}
		if outcome == rangeUnsatisfiable {
			h.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
			h.Del("Content-Disposition")
			(&s3Error{Status: http.StatusRequestedRangeNotSatisfiable, Code: "InvalidRange",
				Message: "The requested range is not satisfiable", RangeRequested: rh,
				ActualObjectSize: strconv.FormatInt(size, 10)}).write(w, r, requestID)
			return
		}
	}
	status := http.StatusOK
	if outcome == rangePartial {
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", rg.start, rg.end, size))
	}
	h.Set("Content-Length", strconv.FormatInt(rg.length(), 10))
	w.WriteHeader(status)
	if r.Method == http.MethodHead || rg.length() == 0 {
		return
	}
	if _, err := io.CopyBuffer(w, io.NewSectionReader(obj, rg.start, rg.length()), make([]byte, 64<<10)); err != nil {
		s.log.Debug("webadmittest: object download ended early", "path", r.URL.Path, "err", err)
	}
}

// changedContent is an object's other version: the same size, every byte
// flipped, another ETag.
type changedContent struct{ content }

func (c changedContent) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.content.ReadAt(p, off)
	for i := range p[:n] {
		p[i] ^= 0x5a
	}
	return n, err
}

func (c changedContent) ETag() string { return strings.TrimSuffix(c.content.ETag(), `"`) + `-v2"` }

// contentDisposition is the attachment header for a file name.
func contentDisposition(name string) string { return "attachment; filename=" + name }

// etagListMatches reports whether an If-Match or If-None-Match list names
// etag (or is "*").
func etagListMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
