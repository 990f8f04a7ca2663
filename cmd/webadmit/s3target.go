package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/webadmit-go/webadmit/wrapper/s3dest"
)

// s3Target is -o s3://bucket/key (label names the output in messages: -o,
// or a manifest's output): the file streams into the object as a
// multipart upload, visible only once complete, with the credentials,
// region and endpoint of the standard AWS environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY or AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3).
// Credentials that cannot be found are said before the run starts; an
// existing object is replaced only with --force, and that is checked when
// the destination is opened, before the run starts.
func s3Target(label, raw string, force bool) (*fetchTarget, error) {
	bucket, key, err := s3dest.ParseURL(raw)
	if err != nil {
		return nil, usagef("%s %v", label, err)
	}
	if err := checkS3Endpoint(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := s3dest.NewClient(ctx, s3dest.ClientOptions{})
	if err != nil {
		var pe config.SharedConfigProfileNotExistError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot write %s: the AWS profile %q (AWS_PROFILE) is in none of the AWS config files", raw, pe.Profile)
		}
		return nil, fmt.Errorf("cannot write %s: %s", raw, s3Cause(err))
	}
	if _, err := client.Options().Credentials.Retrieve(ctx); err != nil {
		if noCredentials(err) {
			return nil, fmt.Errorf("cannot write %s: %s", raw, noCredentialsText)
		}
		return nil, fmt.Errorf("cannot write %s: the AWS credentials could not be loaded: %s", raw, s3Cause(err))
	}
	return &fetchTarget{dst: s3dest.To(client, bucket, key, s3dest.Options{Overwrite: force})}, nil
}

// checkS3Endpoint checks the S3 endpoint the AWS environment names
// (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL), before the SDK's endpoint
// rules say it in theirs: an http or https URL with a host.
func checkS3Endpoint() error {
	for _, name := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
		raw := strings.TrimSpace(os.Getenv(name))
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
			return usagef("%s %q is not an http or https URL with a host, such as http://127.0.0.1:8333 or https://s3.eu-west-1.amazonaws.com; fix it, or unset it for AWS S3", name, echoURL(raw))
		}
		return nil
	}
	return nil
}

// noCredentialsText says where the AWS credentials come from.
const noCredentialsText = "no AWS credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), " +
	"AWS_REGION, and AWS_ENDPOINT_URL_S3 for a store other than AWS"

// noCredentials reports whether err is the SDK's credential chain finding
// nothing: with the instance metadata service disabled (s3dest.NewClient),
// reaching it means no other source had credentials.
func noCredentials(err error) bool {
	for e := err; e != nil; {
		var oe *smithy.OperationError
		if !errors.As(e, &oe) {
			return false
		}
		if oe.ServiceID == imds.ServiceID {
			return true
		}
		e = oe.Err
	}
	return false
}

// s3Operations say what each S3 call of s3dest was doing, for a URL.
var s3Operations = map[string]string{
	"HeadObject":              "checking whether %s exists",
	"PutObject":               "uploading %s",
	"CreateMultipartUpload":   "starting the upload of %s",
	"UploadPart":              "uploading part %s of %s",
	"CompleteMultipartUpload": "completing %s",
	"AbortMultipartUpload":    "aborting the upload of %s",
}

// s3dest's messages: "s3dest: uploading part 2 to s3://b/k: ...".
var (
	s3destPart = regexp.MustCompile(`s3dest: uploading part (\d+) to `)
	s3destURL  = regexp.MustCompile(`s3dest: [a-z ]+?(s3://[^ ]+?): `)
)

// s3Text renders an error of an S3 output (from s3dest and the AWS SDK)
// as a sentence: what the store answered to which step, and what to check;
// ok is false when err did not come from S3.
func s3Text(err error, url string) (text string, ok bool) {
	msg := err.Error()
	i := strings.Index(msg, "s3dest: ")
	var oe *smithy.OperationError
	if i < 0 || !errors.As(err, &oe) || oe.ServiceID != "S3" {
		return "", false
	}
	if m := s3destURL.FindStringSubmatch(msg[i:]); m != nil {
		url = m[1]
	}
	step := "writing " + url
	if f, ok := s3Operations[oe.OperationName]; ok {
		if oe.OperationName == "UploadPart" {
			part := "a part"
			if m := s3destPart.FindStringSubmatch(msg[i:]); m != nil {
				part = m[1]
			}
			step = fmt.Sprintf(f, part, url)
		} else {
			step = fmt.Sprintf(f, url)
		}
	}
	prefix := strings.TrimPrefix(msg[:i], "webadmit: ")
	if noCredentials(err) {
		return prefix + noCredentialsText, true
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil || re.HTTPStatusCode() == 0 {
		// no answer: the request never reached a store
		return fmt.Sprintf("%scould not reach the object store while %s: %s; check AWS_ENDPOINT_URL_S3 and the network", prefix, step, s3Cause(err)), true
	}
	status := re.HTTPStatusCode()
	answer := fmt.Sprint(status)
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	if code == "" || code == fmt.Sprint(status) {
		code = strings.ReplaceAll(http.StatusText(status), " ", "")
	}
	if code != "" {
		answer += " " + termSafe(code)
	}
	return fmt.Sprintf("%sthe store answered %s to %s; %s", prefix, answer, step, s3Advice(status, code, oe.OperationName)), true
}

// s3Advice is what to check after the store refused a call.
func s3Advice(status int, code, op string) string {
	switch code {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken":
		return "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
	case "NoSuchBucket":
		return "check the bucket's name, and AWS_ENDPOINT_URL_S3 for a store other than AWS"
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
		return "set AWS_REGION to the bucket's region"
	}
	switch {
	case status == http.StatusForbidden && op == "HeadObject":
		return "check the credentials' permission to read and write there"
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return "check the credentials' permission to write there"
	case status >= 500:
		return "the store failed; try again"
	}
	return "check the S3 settings (AWS_REGION, AWS_ENDPOINT_URL_S3) and the credentials"
}

// s3Cause is the innermost cause of an SDK error, without the SDK's chain
// of operation names.
func s3Cause(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "cannot resolve " + dns.Name
	}
	if d, ok := dialFailed(err); ok {
		return fmt.Sprintf("cannot connect to %s: %s", d.hostPort, d.reason)
	}
	for {
		var oe *smithy.OperationError
		if !errors.As(err, &oe) {
			break
		}
		err = oe.Err
	}
	msg := strings.TrimPrefix(err.Error(), "s3dest: ")
	if i := strings.LastIndex(msg, ", "); i >= 0 && strings.Contains(msg, "exceeded maximum number of attempts") {
		msg = msg[i+2:]
	}
	return msg
}
