// Package s3store is a [webadmittest.ObjectStore] on a bucket of Amazon S3
// or of any server that speaks its API (SeaweedFS, MinIO, …), so that the
// sandbox's download URLs are real SigV4 pre-signed URLs, served with a real
// store's Range, ETag, If-Match, expiry and stored headers:
//
//	store, err := s3store.New(ctx, s3store.Options{Endpoint: "http://127.0.0.1:8333", Bucket: "webadmit"})
//	...
//	srv := webadmittest.NewTest(t, webadmittest.WithObjectStore(store))
//
// It is a package of its own so that importing webadmittest does not import
// the AWS SDK. Objects are uploaded with PutObject, or as a multipart upload
// when larger than [Options.PartSize], reading the sandbox's content as a
// stream; URLs are made by the SDK's presign client.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// DefaultRegion is the region used when neither Options.Region nor the
// environment (AWS_REGION, the shared config) names one.
const DefaultRegion = "us-east-1"

// DefaultPartSize is Options.PartSize's default: objects up to this size are
// one PutObject, larger ones a multipart upload of parts this size.
const DefaultPartSize = 64 << 20

// minPartSize is S3's smallest part (the last part may be smaller).
const minPartSize = 5 << 20

// Options configure a [Store].
type Options struct {
	// Endpoint is the S3 endpoint's base URL, e.g. "http://127.0.0.1:8333".
	// Empty means Amazon S3 itself (or AWS_ENDPOINT_URL_S3). A custom
	// endpoint is addressed path-style (http://host/bucket/key), which
	// every S3-compatible server understands.
	Endpoint string
	// Bucket holds the objects; it must exist (see [Store.CreateBucket]).
	Bucket string
	// Region signs the requests; empty means the environment's
	// (AWS_REGION, AWS_DEFAULT_REGION, the shared config), else
	// [DefaultRegion].
	Region string
	// AccessKeyID and SecretAccessKey, when both are set, are the
	// credentials. Otherwise they come from the standard AWS environment:
	// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or
	// the shared config and credentials files (AWS_PROFILE). The EC2
	// instance metadata service is never asked.
	AccessKeyID, SecretAccessKey string
	// PartSize is the size above which an object is uploaded in parts, and
	// the size of each part; 0 means [DefaultPartSize]. S3 needs 5 MiB at
	// least.
	PartSize int64
	// HTTPClient sends the SDK's requests; nil means the SDK's default.
	HTTPClient *http.Client
}

// Store is a [webadmittest.ObjectStore] on one S3 bucket. It is safe for
// concurrent use.
type Store struct {
	client   *s3.Client
	presign  *s3.PresignClient
	bucket   string
	partSize int64
}

var _ webadmittest.ObjectStore = (*Store)(nil)

// New returns a Store for opts. It sends no request: a wrong endpoint or
// credentials show at the first Put.
func New(ctx context.Context, opts Options) (*Store, error) {
	if opts.Bucket == "" {
		return nil, errors.New("s3store: no bucket")
	}
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("s3store: endpoint %q is not an http(s) URL", opts.Endpoint)
		}
	}
	partSize := opts.PartSize
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if partSize < minPartSize {
		return nil, fmt.Errorf("s3store: part size %d is below S3's minimum of 5 MiB", partSize)
	}
	load := []func(*config.LoadOptions) error{
		config.WithDefaultRegion(DefaultRegion),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		// Checksums only where S3 requires them: S3-compatible servers
		// differ in which trailing checksums they accept.
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.AccessKeyID != "" && opts.SecretAccessKey != "" {
		load = append(load, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, "")))
	}
	if opts.HTTPClient != nil {
		load = append(load, config.WithHTTPClient(opts.HTTPClient))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("s3store: loading the AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(strings.TrimSuffix(opts.Endpoint, "/"))
			o.UsePathStyle = true
		}
	})
	return &Store{client: client, presign: s3.NewPresignClient(client), bucket: opts.Bucket, partSize: partSize}, nil
}

// Client returns the S3 client the store uses, e.g. for a test that
// replaces an object behind the sandbox's back.
func (s *Store) Client() *s3.Client { return s.client }

// Bucket returns the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

// CreateBucket creates the bucket, unless the credentials already own it.
func (s *Store) CreateBucket(ctx context.Context) error {
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)})
	var owned interface{ ErrorCode() string }
	if errors.As(err, &owned) && owned.ErrorCode() == "BucketAlreadyOwnedByYou" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("s3store: creating bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Put uploads obj, keeping its Content-Type, Content-Disposition and
// Content-Encoding. The body is streamed: a part at a time, each read twice
// (for its SHA-256, then to send it), never held in memory.
func (s *Store) Put(ctx context.Context, obj webadmittest.Object) error {
	if obj.Size > s.partSize {
		return s.putMultipart(ctx, obj)
	}
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:             aws.String(s.bucket),
		Key:                aws.String(obj.Key),
		Body:               obj.Body,
		ContentLength:      aws.Int64(obj.Size),
		ContentType:        optional(obj.ContentType),
		ContentDisposition: optional(obj.ContentDisposition),
		ContentEncoding:    optional(obj.ContentEncoding),
	})
	if err != nil {
		return fmt.Errorf("s3store: putting %s: %w", obj.Key, err)
	}
	return nil
}

// PresignGet returns a SigV4 pre-signed GET URL of key, made by the SDK's
// presign client, that S3 refuses from the last whole second at or before
// expires on: X-Amz-Date and X-Amz-Expires count whole seconds, so a URL
// ends up to a second early, never late. A 30-second lifetime is
// X-Amz-Expires=30 signed now, as any server presigning with the SDK makes
// it. An expires less than a second away, or past, gives a one-second URL
// signed before now, so that it is refused from then on.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Time) (string, error) {
	lifetime, backdate := presignTimes(time.Now(), expires)
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)},
		func(o *s3.PresignOptions) {
			o.Expires = lifetime
			if backdate > 0 {
				o.Presigner = backdated{by: backdate, next: o.Presigner}
			}
		})
	if err != nil {
		return "", fmt.Errorf("s3store: presigning %s: %w", key, err)
	}
	return req.URL, nil
}

// presignTimes is the X-Amz-Expires of a URL made at now that should end
// at expires.Truncate(time.Second), and how much earlier than now to sign
// it (0: now). The signer writes X-Amz-Date in whole seconds.
func presignTimes(now, expires time.Time) (lifetime, backdate time.Duration) {
	end, start := expires.Truncate(time.Second), now.Truncate(time.Second)
	if lifetime = end.Sub(start); lifetime >= time.Second {
		return lifetime, 0
	}
	return time.Second, now.Sub(end.Add(-time.Second))
}

// backdated is a presigner that signs as if it were earlier by by.
type backdated struct {
	by   time.Duration
	next s3.HTTPPresignerV4
}

func (b backdated) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return b.next.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime.Add(-b.by), optFns...)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
