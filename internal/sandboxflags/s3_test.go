package sandboxflags

import (
	"strings"
	"testing"
)

func TestS3FlagsParseAlike(t *testing.T) {
	t.Parallel()
	std, posix := parseBoth(t, "s3-endpoint=http://127.0.0.1:8333", "s3-bucket=exports")
	for _, f := range []Flags{std, posix} {
		if f.S3Endpoint != "http://127.0.0.1:8333" || f.S3Bucket != "exports" {
			t.Errorf("parsed endpoint %q, bucket %q", f.S3Endpoint, f.S3Bucket)
		}
	}
}

func TestS3OptionsRefuseBadEndpoints(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{"127.0.0.1:8333", "ftp://127.0.0.1:8333", "http://"} {
		t.Run(endpoint, func(t *testing.T) {
			t.Parallel()
			f, _ := parseBoth(t, "s3-endpoint="+endpoint)
			if _, err := f.Options(nil); err == nil || !strings.Contains(err.Error(), "endpoint") {
				t.Errorf("Options: %v, want an error about the endpoint", err)
			}
		})
	}
}
