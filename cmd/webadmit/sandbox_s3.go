package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// defaultS3Bucket is the bucket the sandbox puts its files into on an S3
// endpoint unless -s3-bucket names another.
const defaultS3Bucket = "webadmit-sandbox"

// registerS3 adds the flags of an S3 object store.
func (f *sandboxFlags) registerS3(fs *pflag.FlagSet) {
	fs.StringVar(&f.S3Endpoint, "s3-endpoint", "",
		"serve the files from the S3 endpoint at `URL` (e.g. SeaweedFS's http://127.0.0.1:8333) with SigV4 pre-signed URLs; "+
			"credentials and region from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (or AWS_PROFILE)")
	fs.StringVar(&f.S3Bucket, "s3-bucket", "", "`bucket` for -s3-endpoint, created if missing (default "+defaultS3Bucket+")")
}

// s3Option is the sandbox option of an S3 endpoint: a store on its bucket,
// which it creates if the credentials do not own it yet.
func (f *sandboxFlags) s3Option() (webadmittest.Option, error) {
	bucket := f.S3Bucket
	if bucket == "" {
		bucket = defaultS3Bucket
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, err := s3store.New(ctx, s3store.Options{Endpoint: f.S3Endpoint, Bucket: bucket})
	if err != nil {
		return nil, err
	}
	if err := store.CreateBucket(ctx); err != nil {
		return nil, fmt.Errorf("S3 endpoint %s: %w", f.S3Endpoint, err)
	}
	return webadmittest.WithObjectStore(store), nil
}

// storeText says where the files are served from: builtin (the sandbox's
// own store URL), or the S3 endpoint and bucket.
func (f *sandboxFlags) storeText(builtin string) string {
	if f.S3Endpoint == "" {
		return builtin
	}
	bucket := f.S3Bucket
	if bucket == "" {
		bucket = defaultS3Bucket
	}
	return fmt.Sprintf("%s (S3, bucket %s)", f.S3Endpoint, bucket)
}
