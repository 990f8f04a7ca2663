package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// putMultipart uploads obj in parts of s.partSize, one at a time, each a
// section of the body, so nothing larger than the SDK's copy buffer is
// held. A failed upload is aborted, so no parts are left behind.
func (s *Store) putMultipart(ctx context.Context, obj webadmittest.Object) (err error) {
	created, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:             aws.String(s.bucket),
		Key:                aws.String(obj.Key),
		ContentType:        optional(obj.ContentType),
		ContentDisposition: optional(obj.ContentDisposition),
		ContentEncoding:    optional(obj.ContentEncoding),
	})
	if err != nil {
		return fmt.Errorf("s3store: starting the upload of %s: %w", obj.Key, err)
	}
	defer func() {
		if err != nil {
			// The caller's context may be what ended the upload.
			_, _ = s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
				Bucket: aws.String(s.bucket), Key: aws.String(obj.Key), UploadId: created.UploadId})
		}
	}()
	body, ok := obj.Body.(io.ReaderAt)
	if !ok {
		body = &seekReaderAt{rs: obj.Body}
	}
	var parts []types.CompletedPart
	for off, n := int64(0), int32(1); off < obj.Size; off, n = off+s.partSize, n+1 {
		size := min(s.partSize, obj.Size-off)
		part, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket:        aws.String(s.bucket),
			Key:           aws.String(obj.Key),
			UploadId:      created.UploadId,
			PartNumber:    aws.Int32(n),
			Body:          io.NewSectionReader(body, off, size),
			ContentLength: aws.Int64(size),
		})
		if err != nil {
			return fmt.Errorf("s3store: uploading part %d of %s: %w", n, obj.Key, err)
		}
		parts = append(parts, types.CompletedPart{ETag: part.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(obj.Key),
		UploadId:        created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return fmt.Errorf("s3store: completing the upload of %s: %w", obj.Key, err)
	}
	return nil
}

// seekReaderAt reads at an offset by seeking; parts are uploaded one at a
// time, so calls never overlap.
type seekReaderAt struct{ rs io.ReadSeeker }

func (r *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := r.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(r.rs, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
