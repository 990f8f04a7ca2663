package s3dest_test

// The S3 destination against SeaweedFS's S3 gateway (make test-s3): the
// objects, their headers, and the multipart uploads left behind are what a
// real S3 implementation says. Without $WEBADMIT_WEED the tests skip.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/internal/s3test"
	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
	"github.com/webadmit-go/webadmit/wrapper/s3dest"
)

func TestMain(m *testing.M) { os.Exit(s3test.Main(m)) }

// s3Client is a client of the test server's S3 gateway.
func s3Client(t *testing.T) *s3.Client {
	w := s3test.Server(t)
	return s3.New(s3.Options{
		Region: s3test.Region, BaseEndpoint: aws.String(w.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3test.AccessKeyID, s3test.SecretAccessKey, ""),
	})
}

// key is a key of this test's own.
func key(t *testing.T) string {
	return fmt.Sprintf("s3dest/%s-%d.csv", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
}

// object reads an object; nil when there is none.
func object(t *testing.T, c *s3.Client, k string) (*s3.GetObjectOutput, []byte) {
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(s3test.Bucket), Key: aws.String(k)})
	if err != nil {
		return nil, nil
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out, b
}

// pendingUploads counts the multipart uploads in progress under k.
func pendingUploads(t *testing.T, c *s3.Client, k string) int {
	out, err := c.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: aws.String(s3test.Bucket), Prefix: aws.String(k)})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	return len(out.Uploads)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// sandbox is the fake API with its built-in store, and a client of it.
func sandbox(t *testing.T, exports ...webadmittest.Export) (*webadmittest.Server, *wrapper.Client) {
	srv := webadmittest.NewTest(t, webadmittest.WithExports(exports...))
	c, err := wrapper.New(srv.APIKey(), wrapper.WithBaseURL(srv.URL()),
		wrapper.WithPollPolicy(wrapper.PollPolicy{MinDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxWait: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

// TestUploads: the file arrives as the object, whole, with the download's
// Content-Type, one PutObject when small and a multipart upload when not,
// converted with TranscodeToUTF8, and resumed after a cut with the exact
// bytes; no upload is left in progress.
func TestUploads(t *testing.T) {
	t.Parallel()
	c := s3Client(t)
	big := bytes.Repeat([]byte("1000001,Garc\xeda,Epidemiology\n"), 500_000) // 14.5 MB, Latin-1
	small := []byte("cas_id,last_name\n1000001,Garc\xeda\n")
	tests := []struct {
		name   string
		export webadmittest.Export
		opts   []wrapper.RunOption
		want   []byte
		fault  *webadmittest.Fault
	}{
		{name: "small", export: webadmittest.Export{ID: 1, IdentityID: 42, Name: "Small", Content: small}, want: small},
		{name: "multipart", export: webadmittest.Export{ID: 2, IdentityID: 42, Name: "Big", Content: big}, want: big},
		{name: "utf8", export: webadmittest.Export{ID: 3, IdentityID: 42, Name: "Small", Content: small},
			opts: []wrapper.RunOption{wrapper.TranscodeToUTF8()}, want: []byte("cas_id,last_name\n1000001,García\n")},
		{name: "cut and resumed", export: webadmittest.Export{ID: 4, IdentityID: 42, Name: "Big", Content: big}, want: big,
			fault: &webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Attempt: 1, Kind: webadmittest.FaultCutConnection, Bytes: 7 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, wc := sandbox(t, tt.export)
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			k := key(t)
			res, err := wc.RunExport(t.Context(), 42, tt.export.ID, s3dest.To(c, s3test.Bucket, k, s3dest.Options{PartSize: 5 << 20}), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			out, got := object(t, c, k)
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("object holds %d bytes (sha256 %s), want %d", len(got), sum(got), len(tt.want))
			}
			if res.SHA256 != sum(tt.want) || res.Bytes != int64(len(tt.want)) || len(res.Paths) != 1 || res.Paths[0] != s3dest.URL(s3test.Bucket, k) {
				t.Errorf("result %+v", res)
			}
			if aws.ToString(out.ContentType) != "text/csv;charset=iso-8859-1" && aws.ToString(out.ContentType) != "text/csv; charset=iso-8859-1" {
				t.Errorf("Content-Type %q", aws.ToString(out.ContentType))
			}
			if n := pendingUploads(t, c, k); n != 0 {
				t.Errorf("%d multipart uploads left in progress", n)
			}
		})
	}
}

// TestNothingLeftOnFailure: an export that fails, and a download cancelled
// halfway through a multipart upload, leave no object and no upload.
func TestNothingLeftOnFailure(t *testing.T) {
	t.Parallel()
	c := s3Client(t)
	t.Run("failed export", func(t *testing.T) {
		t.Parallel()
		_, wc := sandbox(t, webadmittest.Export{ID: 1, IdentityID: 42, Name: "F",
			Timeline: webadmittest.Timeline{InProgress: 20 * time.Millisecond, Outcome: generated.ExportFileStatusFailed}})
		k := key(t)
		_, err := wc.RunExport(t.Context(), 42, 1, s3dest.To(c, s3test.Bucket, k, s3dest.Options{}))
		if !errors.Is(err, wrapper.ErrExportFailed) {
			t.Fatalf("err = %v", err)
		}
		if out, _ := object(t, c, k); out != nil || pendingUploads(t, c, k) != 0 {
			t.Error("a failed export left an object or an upload")
		}
	})
	t.Run("cancelled mid-upload", func(t *testing.T) {
		t.Parallel()
		srv, wc := sandbox(t, webadmittest.Export{ID: 2, IdentityID: 42, Name: "Big", Size: 64 << 20})
		srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultTrickle, Bytes: 1 << 20, Delay: 50 * time.Millisecond})
		k := key(t)
		ctx, cancel := context.WithCancel(t.Context())
		_, err := wc.RunExport(ctx, 42, 2, s3dest.To(c, s3test.Bucket, k, s3dest.Options{PartSize: 5 << 20}),
			wrapper.OnProgress(func(e wrapper.Event) {
				if e.Kind == wrapper.EventBytes && e.Bytes > 12<<20 { // two parts sent
					cancel()
				}
			}))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want cancelled", err)
		}
		if out, _ := object(t, c, k); out != nil {
			t.Error("a cancelled download left an object")
		}
		if n := pendingUploads(t, c, k); n != 0 {
			t.Errorf("%d multipart uploads left in progress", n)
		}
	})
}

// TestExistingObject: an object already there is refused before the run
// starts, unless Overwrite replaces it.
func TestExistingObject(t *testing.T) {
	t.Parallel()
	c := s3Client(t)
	k := key(t)
	if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(s3test.Bucket), Key: aws.String(k), Body: strings.NewReader("the lake's")}); err != nil {
		t.Fatal(err)
	}
	srv, wc := sandbox(t, webadmittest.Export{ID: 1, IdentityID: 42, Name: "E", Content: []byte("new\n")})
	_, err := wc.RunExport(t.Context(), 42, 1, s3dest.To(c, s3test.Bucket, k, s3dest.Options{}))
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), s3dest.URL(s3test.Bucket, k)) {
		t.Fatalf("err = %v, want fs.ErrExist naming the object", err)
	}
	if n := srv.Recorder().Calls(webadmittest.EndpointInitiateExportFile); n != 0 {
		t.Errorf("the run was started (%d calls) before the object was refused", n)
	}
	if _, got := object(t, c, k); string(got) != "the lake's" {
		t.Errorf("the object is now %q", got)
	}
	if _, err := wc.RunExport(t.Context(), 42, 1, s3dest.To(c, s3test.Bucket, k, s3dest.Options{Overwrite: true})); err != nil {
		t.Fatal(err)
	}
	if _, got := object(t, c, k); string(got) != "new\n" {
		t.Errorf("with Overwrite the object is %q", got)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, bucket, key string }{
		{"s3://lake/webadmit/nightly.csv", "lake", "webadmit/nightly.csv"},
		{"s3://lake/x", "lake", "x"},
		{"s3://lake/", "", ""}, {"s3://lake", "", ""}, {"s3:///x", "", ""}, {"lake/x", "", ""}, {"s3://lake/dir/", "", ""},
	} {
		b, k, err := s3dest.ParseURL(tt.in)
		if b != tt.bucket || k != tt.key || (err == nil) != (tt.bucket != "") {
			t.Errorf("ParseURL(%q) = %q, %q, %v", tt.in, b, k, err)
		}
	}
}
