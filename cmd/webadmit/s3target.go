package main

import (
	"context"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/s3dest"
)

// s3Target is -o s3://bucket/key: the file streams into the object as a
// multipart upload, visible only once complete, with the credentials,
// region and endpoint of the standard AWS environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY or AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3).
// An existing object is replaced only with --force; that is checked when
// the destination is opened, before the run starts.
func s3Target(raw string, force bool) (*fetchTarget, error) {
	bucket, key, err := s3dest.ParseURL(raw)
	if err != nil {
		return nil, usagef("-o %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := s3dest.NewClient(ctx, s3dest.ClientOptions{})
	if err != nil {
		return nil, err
	}
	return &fetchTarget{dst: s3dest.To(client, bucket, key, s3dest.Options{Overwrite: force})}, nil
}
