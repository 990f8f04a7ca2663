// Package s3test runs tests against a real S3 implementation: SeaweedFS's
// S3 gateway, started on loopback from the `weed` binary named by
// $WEBADMIT_WEED (`make test-s3` builds it once, pinned, and sets it).
// Without WEBADMIT_WEED the tests skip and say how to run them.
//
// A test package calls [Main] from its TestMain, which starts one `weed
// server -s3` for the package (on free loopback ports, data in a temporary
// directory, credentials from an s3 config file) and stops it, with its
// whole process group, when the tests end. Each test then takes a bucket
// store on the server's bucket with [NewStore].
package s3test

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// EnvWeed names the environment variable holding the path of the weed
// binary.
const EnvWeed = "WEBADMIT_WEED"

// Credentials of the S3 identity the config file gives every action.
const (
	AccessKeyID     = "WEBADMITTESTACCESSKEY"
	SecretAccessKey = "webadmit-test-secret-access-key-000000000"
	Region          = "us-east-1"
)

// running is the package's server, set by Main.
var running atomic.Pointer[Weed]

// skipReason is why the tests skip, when they do.
var skipReason string

// Main runs the package's tests with a SeaweedFS server when $WEBADMIT_WEED
// names a weed binary, and returns the exit code for os.Exit. Without it
// the tests run and skip. When weed does not start, Main fails.
func Main(m *testing.M) int {
	bin := os.Getenv(EnvWeed)
	if bin == "" {
		skipReason = EnvWeed + " is not set: the tests against SeaweedFS's S3 gateway skip (run them with `make test-s3`, which builds the pinned weed once and caches it)"
		return m.Run()
	}
	w, err := Start(bin)
	if err != nil { // once more, on other ports: another process may have taken one
		fmt.Fprintln(os.Stderr, "s3test: starting weed again after:", err)
		w, err = Start(bin)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3test:", err)
		return 1
	}
	running.Store(w)
	fmt.Fprintf(os.Stderr, "s3test: SeaweedFS %s serving S3 at %s\n", w.Version, w.Endpoint)
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "s3test: the end of weed's log:\n%s\n", w.logTail())
	}
	if err := w.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "s3test:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Server returns the package's server, or skips tb when there is none.
func Server(tb testing.TB) *Weed {
	tb.Helper()
	w := running.Load()
	if w == nil {
		if skipReason == "" {
			tb.Fatal("s3test: no SeaweedFS server: call s3test.Main from TestMain")
		}
		tb.Skip(skipReason)
	}
	return w
}

// Bucket is the one bucket of the server, made when it starts. SeaweedFS
// grows seven volumes for each bucket (its collection), so tests share one
// and keep their keys apart: the sandbox's keys hold a random part of
// each server's.
const Bucket = "webadmit"

// NewStore returns a store on the package server's bucket (or skips tb
// when there is none). opts may set PartSize and HTTPClient; the endpoint,
// bucket and credentials are the server's.
func NewStore(tb testing.TB, opts s3store.Options) *s3store.Store {
	tb.Helper()
	w := Server(tb)
	opts.Endpoint, opts.Bucket, opts.Region = w.Endpoint, Bucket, Region
	opts.AccessKeyID, opts.SecretAccessKey = AccessKeyID, SecretAccessKey
	store, err := s3store.New(tb.Context(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return store
}
