package webadmittest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// ObjectStore is an object store the sandbox's download URLs can point to
// instead of its built-in one (see [WithObjectStore]): Amazon S3, or any
// server that speaks its API. Package webadmittest/s3store has an
// implementation over the AWS SDK; a test can bring its own.
//
// The server calls Put once for each file, the first time a download URL
// of it is asked for (getExportFile of an Available run, the 302 of a PDF
// Manager zip file), then PresignGet for every URL it hands out. Both may
// be called concurrently, for different keys.
type ObjectStore interface {
	// Put stores an object under obj.Key, replacing any object there, and
	// returns once a GET of it would succeed. It reads obj.Body to its end
	// (Size bytes) and may seek it, to read it twice.
	Put(ctx context.Context, obj Object) error
	// PresignGet returns a URL that GETs the object under key without
	// further credentials until expires, and is refused after. A store may
	// end it earlier by up to its own resolution (S3's is a second: a URL
	// ends at a whole second) but never later; an expires in the past asks
	// for a URL that is refused at once.
	PresignGet(ctx context.Context, key string, expires time.Time) (string, error)
}

// Object is a file the sandbox puts into an [ObjectStore].
type Object struct {
	// Key names the object, e.g.
	// "export_files/reports/000/074/780/<hash>_original.csv".
	Key string
	// Body holds the object's bytes; it is generated as it is read for
	// large exports, so a store should stream it rather than hold it.
	Body io.ReadSeeker
	// Size is Body's length in bytes.
	Size int64
	// ContentType to store, served back in Content-Type.
	ContentType string
	// ContentDisposition to store, e.g. "attachment; filename=Nightly.csv".
	ContentDisposition string
	// ContentEncoding to store (see [Export.ContentEncoding]), served back
	// with every answer; "" for none. The bytes are stored as they are.
	ContentEncoding string
}

// WithObjectStore makes download URLs point to store instead of the
// built-in object store: each run's file (and each PDF Manager zip file) is
// put there when a URL of it is first asked for, and every URL is one of
// store's pre-signed URLs, valid for the URL lifetime ([WithURLLifetime];
// up to a second less on S3, whose URLs end at whole seconds). The built-in store still listens at
// [Server.StoreURL] but no URL points to it, so faults on [EndpointObject]
// cannot apply and are refused, and the [Recorder] sees no store requests.
// [FaultExpireURL] on the API still issues URLs that have already expired.
// A failed Put or PresignGet is answered 500 and logged.
func WithObjectStore(store ObjectStore) Option {
	return func(c *config) { c.objectStore = store }
}

// errObjectStoreFault refuses a store fault when another store serves the
// files.
var errObjectStoreFault = errors.New("webadmittest: faults on the object store cannot apply when WithObjectStore serves the files")

// externalStore puts files into an ObjectStore once and presigns their URLs.
type externalStore struct {
	store ObjectStore
	mu    sync.Mutex
	puts  map[string]*put // by key
}

// put is one upload, done when ready is closed; a failed one is forgotten,
// so the next request tries again.
type put struct {
	ready chan struct{}
	err   error
}

func newExternalStore(store ObjectStore) *externalStore {
	return &externalStore{store: store, puts: map[string]*put{}}
}

// url puts obj (made by object, only when needed) if it is not there yet,
// and returns a URL of it valid for lifetime from when it is made, after
// the upload (a negative lifetime: already expired). The upload runs in the first
// caller's goroutine under uploadCtx (the server's, not a request's, so a
// client giving up does not waste it); other callers wait for it or for
// their ctx.
func (e *externalStore) url(ctx, uploadCtx context.Context, key string, object func() Object, lifetime time.Duration) (string, error) {
	e.mu.Lock()
	p, started := e.puts[key]
	if !started {
		p = &put{ready: make(chan struct{})}
		e.puts[key] = p
	}
	e.mu.Unlock()
	if !started {
		p.err = e.store.Put(uploadCtx, object())
		if p.err != nil {
			e.mu.Lock()
			delete(e.puts, key)
			e.mu.Unlock()
		}
		close(p.ready)
	}
	select {
	case <-p.ready:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if p.err != nil {
		return "", fmt.Errorf("webadmittest: putting %s into the object store: %w", key, p.err)
	}
	u, err := e.store.PresignGet(ctx, key, time.Now().Add(lifetime))
	if err != nil {
		return "", fmt.Errorf("webadmittest: presigning %s: %w", key, err)
	}
	return u, nil
}

// externalRunURL is a URL of run r's file on the external store.
func (s *Server) externalRunURL(ctx context.Context, r *run, lifetime time.Duration) (string, error) {
	return s.external.url(ctx, s.ctx, r.objectKey, func() Object {
		c := s.contents[r.export.ID]
		return Object{
			Key:                r.objectKey,
			Body:               io.NewSectionReader(c, 0, c.Size()),
			Size:               c.Size(),
			ContentType:        string(r.export.MimeType),
			ContentDisposition: contentDisposition(r.export.FileName),
			ContentEncoding:    r.export.ContentEncoding,
		}
	}, lifetime)
}

// externalZipURL is a URL of a PDF Manager zip file on the external store.
func (s *Server) externalZipURL(ctx context.Context, z *zipFile, lifetime time.Duration) (string, error) {
	return s.external.url(ctx, s.ctx, z.key, func() Object {
		return Object{
			Key:                z.key,
			Body:               io.NewSectionReader(z.content, 0, z.content.Size()),
			Size:               z.content.Size(),
			ContentType:        string(generated.ExportMimeTypeZip),
			ContentDisposition: contentDisposition(z.name),
		}
	}, lifetime)
}
