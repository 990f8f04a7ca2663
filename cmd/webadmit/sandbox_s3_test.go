package main

import (
	"strings"
	"testing"
)

func TestSandboxS3FlagsParse(t *testing.T) {
	t.Parallel()
	f := parseFlags(t, "s3-endpoint=http://127.0.0.1:8333", "s3-bucket=exports")
	if f.S3Endpoint != "http://127.0.0.1:8333" || f.S3Bucket != "exports" {
		t.Errorf("parsed endpoint %q, bucket %q", f.S3Endpoint, f.S3Bucket)
	}
}

func TestSandboxS3OptionsRefuseBadEndpoints(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{"127.0.0.1:8333", "ftp://127.0.0.1:8333", "http://"} {
		t.Run(endpoint, func(t *testing.T) {
			t.Parallel()
			f := parseFlags(t, "s3-endpoint="+endpoint)
			if _, err := f.options(nil); err == nil || !strings.Contains(err.Error(), "endpoint") {
				t.Errorf("options: %v, want an error about the endpoint", err)
			}
		})
	}
}
