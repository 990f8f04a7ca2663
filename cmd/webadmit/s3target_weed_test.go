package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/webadmit-go/webadmit/internal/s3test"
)

// TestOutputToS3 is `run -o s3://bucket/key` against SeaweedFS (make
// test-s3), with the standard AWS environment: the object holds the file
// (converted with --utf8), an existing object is refused before the run
// starts unless --force, and a failed export leaves no object.
func TestOutputToS3(t *testing.T) {
	t.Parallel()
	w := s3test.Server(t)
	none := filepath.Join(t.TempDir(), "none")
	c := s3.New(s3.Options{Region: s3test.Region, BaseEndpoint: aws.String(w.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3test.AccessKeyID, s3test.SecretAccessKey, "")})
	s := newSandbox(t)
	env := append(sandboxEnv(s), "AWS_ACCESS_KEY_ID="+s3test.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+s3test.SecretAccessKey,
		"AWS_REGION="+s3test.Region, "AWS_ENDPOINT_URL_S3="+w.Endpoint, "AWS_CONFIG_FILE="+none, "AWS_SHARED_CREDENTIALS_FILE="+none)
	get := func(key string) []byte {
		out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(s3test.Bucket), Key: aws.String(key)})
		if err != nil {
			return nil
		}
		defer out.Body.Close()
		b, _ := io.ReadAll(out.Body)
		return b
	}
	prefix := fmt.Sprintf("cli-%d/", time.Now().UnixNano())
	url := func(k string) string { return "s3://" + s3test.Bucket + "/" + prefix + k }

	r := runCLI(t, t.TempDir(), env, "run", "--identity", "7", "--export", "100", "-o", url("nightly.csv"))
	if r.code != exitOK || !bytes.Equal(get(prefix+"nightly.csv"), []byte(latin1CSV)) {
		t.Fatalf("exit %d, object %q:\n%s", r.code, get(prefix+"nightly.csv"), r.stderr)
	}
	if !strings.Contains(r.stderr, "to "+url("nightly.csv")) {
		t.Errorf("stderr does not say where the file went:\n%s", r.stderr)
	}

	r = runCLI(t, t.TempDir(), env, "run", "--identity", "7", "--export", "100", "-o", url("nightly.csv"))
	if r.code != exitError || !strings.Contains(r.stderr, "already exists; --force replaces it") || strings.Contains(r.stderr, "started") {
		t.Errorf("an existing object: exit %d:\n%s", r.code, r.stderr)
	}
	r = runCLI(t, t.TempDir(), env, "run", "--identity", "7", "--export", "100", "-o", url("nightly.csv"), "--force", "--utf8")
	if want := utf8Of(latin1CSV); r.code != exitOK || string(get(prefix+"nightly.csv")) != want {
		t.Errorf("--force --utf8: exit %d, object %q, want %q:\n%s", r.code, get(prefix+"nightly.csv"), want, r.stderr)
	}

	r = runCLI(t, t.TempDir(), env, "run", "--identity", "7", "--export", "103", "-o", url("failed.csv"))
	if r.code != exitFailed || get(prefix+"failed.csv") != nil {
		t.Errorf("a failed export: exit %d, object %q:\n%s", r.code, get(prefix+"failed.csv"), r.stderr)
	}
	assertNoSecrets(t, r, s.APIKey(), s3test.SecretAccessKey)
}

// utf8Of converts Latin-1 text to UTF-8.
func utf8Of(latin1 string) string {
	var b strings.Builder
	for i := 0; i < len(latin1); i++ {
		b.WriteRune(rune(latin1[i]))
	}
	return b.String()
}
