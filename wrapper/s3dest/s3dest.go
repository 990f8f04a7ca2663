// Package s3dest is a wrapper destination that streams the downloaded file
// into an object of Amazon S3, or of any server that speaks its API
// (SeaweedFS, MinIO, a campus store), for institutions that mirror their
// exports into a bucket:
//
//	client, err := s3dest.NewClient(ctx, s3dest.ClientOptions{}) // the standard AWS environment
//	dst := s3dest.To(client, "admissions-lake", "webadmit/nightly.csv", s3dest.Options{})
//	res, err := c.RunExport(ctx, 42, 86446, dst)
//
// The object appears only once the whole file has arrived and its end is
// confirmed: the bytes go up as a multipart upload (or one PutObject when
// the file is small), completed at the end, and aborted on any failure, so
// that no object and no parts are left behind. An existing object is
// replaced only with Options.Overwrite, and that is checked before the run
// starts. It is a package of its own so that importing wrapper does not
// import the AWS SDK.
package s3dest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/webadmit-go/webadmit/wrapper"
)

// DefaultPartSize is the size of each part of a multipart upload, and the
// size up to which a file is one PutObject.
const DefaultPartSize = 16 << 20

// minPartSize is S3's smallest part (the last may be smaller).
const minPartSize = 5 << 20

// callTimeout bounds each S3 call.
const callTimeout = 5 * time.Minute

// Options configure To.
type Options struct {
	// Overwrite allows replacing an existing object. Without it an
	// existing object is an error matching fs.ErrExist, found before the
	// run starts, and the upload is made conditional on there still being
	// none (If-None-Match) where the server supports it.
	Overwrite bool
	// PartSize is the size of each part (at least 5 MiB; 0 means
	// DefaultPartSize). Two parts at most are held in memory.
	PartSize int64
}

// To returns a destination that uploads the file to bucket/key through
// client. The object keeps the download's Content-Type, its stored
// Content-Encoding (the bytes are as stored) and, as Content-Disposition,
// the file name the server proposed.
func To(client *s3.Client, bucket, key string, opts Options) wrapper.Destination {
	return wrapper.ToSink(&upload{client: client, bucket: bucket, key: key, opts: opts})
}

// URL names an object as s3://bucket/key.
func URL(bucket, key string) string { return "s3://" + bucket + "/" + key }

// ParseURL splits s3://bucket/key.
func ParseURL(raw string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(raw, "s3://")
	bucket, key, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" || strings.HasSuffix(key, "/") {
		return "", "", fmt.Errorf("%q is not an object URL: give s3://BUCKET/KEY", raw)
	}
	return bucket, key, nil
}

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Endpoint is the S3 endpoint's base URL for a server other than
	// Amazon S3; empty means the environment's (AWS_ENDPOINT_URL_S3,
	// AWS_ENDPOINT_URL) or Amazon S3 itself. A custom endpoint is
	// addressed path-style, as SeaweedFS and MinIO want.
	Endpoint string
	// HTTPClient sends the SDK's requests; nil means the SDK's default.
	HTTPClient *http.Client
}

// NewClient makes an S3 client from the standard AWS environment:
// credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the shared
// files and AWS_PROFILE), AWS_REGION (default us-east-1) and the endpoint.
// The EC2 instance metadata service is not asked.
func NewClient(ctx context.Context, opts ClientOptions) (*s3.Client, error) {
	load := []func(*config.LoadOptions) error{
		config.WithDefaultRegion("us-east-1"),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if opts.HTTPClient != nil {
		load = append(load, config.WithHTTPClient(opts.HTTPClient))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("s3dest: loading the AWS configuration: %w", err)
	}
	endpoint := opts.Endpoint
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("s3dest: endpoint %q is not an http(s) URL", endpoint)
		}
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(strings.TrimSuffix(endpoint, "/"))
		}
		o.UsePathStyle = o.BaseEndpoint != nil // set here or by AWS_ENDPOINT_URL(_S3)
	}), nil
}

// upload is one file's way into an object: a wrapper.Sink.
type upload struct {
	client *s3.Client
	bucket string
	key    string
	opts   Options

	ctx    context.Context // ends with Abort
	cancel context.CancelFunc
	info   wrapper.FileInfo
	buf    []byte
	id     *string // the multipart upload, once begun
	parts  []types.CompletedPart
	sent   chan part // to the uploading goroutine
	close  sync.Once // of sent
	done   chan struct{}
	mu     sync.Mutex
	err    error // the first failed part
}

// part is one part for the uploading goroutine.
type part struct {
	n    int32
	data []byte
}

func (u *upload) where() string { return URL(u.bucket, u.key) }

// Open checks the destination before the run starts: a bucket and key, a
// part size S3 accepts, and no object there unless Overwrite.
func (u *upload) Open() error {
	if u.client == nil || u.bucket == "" || u.key == "" {
		return errors.New("s3dest: To needs a client, a bucket and a key")
	}
	if u.opts.PartSize == 0 {
		u.opts.PartSize = DefaultPartSize
	}
	if u.opts.PartSize < minPartSize {
		return fmt.Errorf("s3dest: part size %d is below S3's minimum of 5 MiB", u.opts.PartSize)
	}
	if u.opts.Overwrite {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := u.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &u.bucket, Key: &u.key})
	switch {
	case err == nil:
		return &existsError{u.where()}
	case isNotFound(err):
		return nil
	}
	return fmt.Errorf("s3dest: checking %s: %w", u.where(), err)
}

// existsError is an object the upload would not replace.
type existsError struct{ url string }

func (e *existsError) Error() string        { return e.url + " already exists" }
func (e *existsError) Is(target error) bool { return target == fs.ErrExist }

// isNotFound reports whether err is S3's 404 (HeadObject answers without a
// body, so the status is what tells).
func isNotFound(err error) bool {
	var nf *types.NotFound
	var nk *types.NoSuchKey
	var re *smithyhttp.ResponseError
	return errors.As(err, &nf) || errors.As(err, &nk) || (errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound)
}

// Begin starts the upload's own context: every S3 call of the upload ends
// with Abort.
func (u *upload) Begin(f wrapper.FileInfo) error {
	u.info = f
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.buf = make([]byte, 0, u.opts.PartSize)
	return nil
}

// Write gathers the bytes into parts; each full part goes up in the
// background while the next fills.
func (u *upload) Write(p []byte) (int, error) {
	if err := u.failed(); err != nil {
		return 0, err
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), cap(u.buf)-len(u.buf))
		u.buf = append(u.buf, p[:k]...)
		p = p[k:]
		if len(u.buf) == cap(u.buf) {
			if err := u.send(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// send hands the full buffer to the uploading goroutine (starting the
// multipart upload first) and takes a new one.
func (u *upload) send() error {
	if u.id == nil {
		out, err := u.client.CreateMultipartUpload(u.ctx, &s3.CreateMultipartUploadInput{
			Bucket: &u.bucket, Key: &u.key,
			ContentType: optional(u.info.ContentType), ContentEncoding: optional(u.info.ContentEncoding),
			ContentDisposition: u.disposition(),
		})
		if err != nil {
			return fmt.Errorf("s3dest: starting the upload to %s: %w", u.where(), err)
		}
		u.id = out.UploadId
		u.sent, u.done = make(chan part, 1), make(chan struct{})
		go u.uploadParts()
	}
	u.mu.Lock()
	n := int32(len(u.parts) + 1)
	u.parts = append(u.parts, types.CompletedPart{PartNumber: aws.Int32(n)})
	u.mu.Unlock()
	select {
	case u.sent <- part{n, u.buf}:
	case <-u.ctx.Done():
		return u.ctx.Err()
	}
	u.buf = make([]byte, 0, u.opts.PartSize)
	return u.failed()
}

// uploadParts uploads the parts sent, in order, until the channel closes.
func (u *upload) uploadParts() {
	defer close(u.done)
	for p := range u.sent {
		if u.failed() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(u.ctx, callTimeout)
		out, err := u.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &u.bucket, Key: &u.key, UploadId: u.id, PartNumber: aws.Int32(p.n),
			Body: bytesReader(p.data), ContentLength: aws.Int64(int64(len(p.data))),
		})
		cancel()
		u.mu.Lock()
		if err != nil && u.err == nil {
			u.err = fmt.Errorf("s3dest: uploading part %d to %s: %w", p.n, u.where(), err)
		} else if err == nil {
			u.parts[p.n-1].ETag = out.ETag
		}
		u.mu.Unlock()
	}
}

// failed is the first error of the uploading goroutine.
func (u *upload) failed() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.err
}

// Commit makes the object: one PutObject for a file smaller than a part,
// else the last part and CompleteMultipartUpload.
func (u *upload) Commit(f wrapper.FileInfo) ([]string, error) {
	u.info = f
	ctx, cancel := context.WithTimeout(u.ctx, callTimeout)
	defer cancel()
	if u.id == nil {
		_, err := u.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &u.bucket, Key: &u.key, Body: bytesReader(u.buf), ContentLength: aws.Int64(int64(len(u.buf))),
			ContentType: optional(f.ContentType), ContentEncoding: optional(f.ContentEncoding),
			ContentDisposition: u.disposition(), IfNoneMatch: u.ifNoneMatch(),
		})
		if err != nil {
			return nil, u.commitError(err)
		}
		return []string{u.where()}, nil
	}
	if len(u.buf) > 0 {
		if err := u.send(); err != nil {
			return nil, err
		}
	}
	u.close.Do(func() { close(u.sent) })
	<-u.done
	if err := u.failed(); err != nil {
		return nil, err
	}
	_, err := u.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &u.bucket, Key: &u.key, UploadId: u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts}, IfNoneMatch: u.ifNoneMatch(),
	})
	if err != nil {
		return nil, u.commitError(err)
	}
	u.id = nil // complete: nothing to abort
	return []string{u.where()}, nil
}

// commitError says why the object could not be made: one that appeared
// meanwhile (a 412 to If-None-Match) matches fs.ErrExist.
func (u *upload) commitError(err error) error {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed {
		return &existsError{u.where()}
	}
	return fmt.Errorf("s3dest: writing %s: %w", u.where(), err)
}

// Abort stops the upload and aborts the multipart upload, so that no parts
// are left behind.
func (u *upload) Abort() {
	if u.cancel == nil {
		return
	}
	id := u.id
	u.cancel()
	if u.sent != nil {
		u.close.Do(func() { close(u.sent) })
		<-u.done
	}
	if id != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, _ = u.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &u.bucket, Key: &u.key, UploadId: id})
		u.id = nil
	}
}

// disposition is the object's Content-Disposition: the server's file name.
func (u *upload) disposition() *string {
	if u.info.FileName == "" {
		return nil
	}
	return aws.String(mimeDisposition(u.info.FileName))
}

// ifNoneMatch makes the write conditional on no object being there, unless
// Overwrite.
func (u *upload) ifNoneMatch() *string {
	if u.opts.Overwrite {
		return nil
	}
	return aws.String("*")
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// bytesReader is a body the SDK can rewind to retry.
func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// mimeDisposition is an attachment header naming the file.
func mimeDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
