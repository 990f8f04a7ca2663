package webadmittest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sandboxAccessKeyID is the AWSAccessKeyId of every download URL.
const sandboxAccessKeyID = "AKIAWEBADMITSANDBOX0"

// Query parameters of a pre-signed URL, as S3's query-string
// authentication names them.
const (
	paramAccessKey   = "AWSAccessKeyId"
	paramExpires     = "Expires"
	paramSignature   = "Signature"
	paramDisposition = "response-content-disposition"
	paramContentType = "response-content-type"
)

// presigner issues and checks download URLs. A URL carries Expires (Unix
// time in milliseconds, unlike S3's seconds, so that lifetimes below a
// second work) and Signature, an HMAC-SHA256 with a per-server random secret
// over the object key, Expires and the response overrides.
type presigner struct {
	secret []byte
}

func (p *presigner) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte(strings.Join(parts, "\n")))
	return m.Sum(nil)
}

func (p *presigner) signature(key, expires, disposition, contentType string) string {
	return base64.StdEncoding.EncodeToString(p.mac("GET-or-HEAD", "/"+key, expires, disposition, contentType))
}

// objectKey names run id's file on the store, in the layout of the docs'
// example URL: export_files/reports/000/074/780/<hash>_original.csv.
func (p *presigner) objectKey(id int, ext string) string {
	h := hex.EncodeToString(p.mac("object", strconv.Itoa(id)))[:32]
	return fmt.Sprintf("export_files/reports/%03d/%03d/%03d/%s_original%s",
		id/1_000_000%1000, id/1000%1000, id%1000, h, ext)
}

// sign returns the URL of key on the store at base, valid until expires.
func (p *presigner) sign(base, key string, expires time.Time, disposition, contentType string) string {
	exp := strconv.FormatInt(expires.UnixMilli(), 10)
	q := []string{
		paramAccessKey + "=" + sandboxAccessKeyID,
		paramExpires + "=" + exp,
		paramSignature + "=" + escape(p.signature(key, exp, disposition, contentType)),
		paramDisposition + "=" + escape(disposition),
		paramContentType + "=" + escape(contentType),
	}
	return base + "/" + key + "?" + strings.Join(q, "&")
}

// escape encodes a query value as the docs' example does (%20, not +).
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// verify checks the query of a store request for key at now. It returns
// the S3 error to answer with, or nil.
func (p *presigner) verify(q url.Values, key string, now time.Time, forceExpired bool) *s3Error {
	exp, sig, id := q.Get(paramExpires), q.Get(paramSignature), q.Get(paramAccessKey)
	if exp == "" || sig == "" || id == "" {
		return &s3Error{Status: 403, Code: "AccessDenied",
			Message: "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"}
	}
	if id != sandboxAccessKeyID {
		return &s3Error{Status: 403, Code: "InvalidAccessKeyId",
			Message: "The AWS Access Key Id you provided does not exist in our records.", AWSAccessKeyID: id}
	}
	want := p.signature(key, exp, q.Get(paramDisposition), q.Get(paramContentType))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return &s3Error{Status: 403, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil { // cannot happen: the signature covers Expires
		return &s3Error{Status: 403, Code: "AccessDenied", Message: "Invalid date (should be milliseconds since epoch): " + exp}
	}
	expires := time.UnixMilli(ms)
	if forceExpired || now.After(expires) {
		return &s3Error{Status: 403, Code: "AccessDenied", Message: "Request has expired",
			Expires: expires.UTC().Format(s3Time), ServerTime: now.UTC().Format(s3Time)}
	}
	return nil
}
