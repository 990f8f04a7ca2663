package main

// The settings of 'webadmit sandbox', the standalone sandbox, and the
// webadmittest options they make.

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// sandboxFlags are the settings of a sandbox served with the demo data.
type sandboxFlags struct {
	Listen      string        // address of the API
	StoreListen string        // address of the object store
	Key         string        // API key to accept; empty means a random one
	URLLifetime time.Duration // how long a download URL stays valid
	SnakeCase   bool          // spell statuses in snake_case
	RateLimit   int           // calls allowed per RateWindow
	RateWindow  time.Duration // the rate limit's window
	DumpSize    int64         // size of the generated Full Applicant Dump export
	Extra       int           // small generated exports added to identity 42
	ConnRate    byteRate      // cap on each store connection, bytes a second; 0: none
	S3Endpoint  string        // S3 endpoint to serve the files from; empty: the built-in store
	S3Bucket    string        // its bucket; empty: DefaultS3Bucket
}

// register adds the flags to fs, with their defaults, to parse into f.
func (f *sandboxFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Listen, "listen", "127.0.0.1:8080", "`address` of the API (loopback only: anyone who reaches it can read the demo data)")
	fs.StringVar(&f.StoreListen, "store-listen", "127.0.0.1:0", "`address` of the object store (loopback only; port 0: any free port)")
	fs.StringVar(&f.Key, "key", "", "API `key` to accept (default: a random key, printed at start)")
	fs.DurationVar(&f.URLLifetime, "url-lifetime", webadmittest.DefaultURLLifetime, "how long a download URL stays valid")
	fs.BoolVar(&f.SnakeCase, "snake-case", false, "spell statuses in snake_case (in_progress) as the older docs do")
	fs.IntVar(&f.RateLimit, "rate-limit", webadmittest.DefaultRateLimit, "calls allowed per rate window")
	fs.DurationVar(&f.RateWindow, "rate-window", webadmittest.DefaultRateWindow, "rate limit window")
	fs.Int64Var(&f.DumpSize, "dump-size", webadmittest.DemoFullDumpSize,
		fmt.Sprintf("size in `bytes` of the generated Full Applicant Dump export (%d)", webadmittest.DemoExportFullDump))
	fs.IntVar(&f.Extra, "extra-exports", 0, fmt.Sprintf("add `N` small generated exports to identity %d (ids from %d), each taking 1 to 5 s, for running many at once", webadmittest.DemoIdentityID, extraExportBase))
	fs.Var(&f.ConnRate, "store-conn-rate",
		"cap each object store connection at this many bytes a second (e.g. 50MB, 48MiB), as real stores do; 0: no cap")
	f.registerS3(fs)
}

// options returns the webadmittest options of f: the demo data served as f
// says, logging to log (nil: nowhere). It rejects, in the flags' words,
// a listen address that is not HOST:PORT on loopback, a rate limit or
// window below 1, a URL lifetime that is not positive, and a negative
// DumpSize.
func (f *sandboxFlags) options(log *slog.Logger) ([]webadmittest.Option, error) {
	if err := checkListen("--listen", f.Listen); err != nil {
		return nil, err
	}
	if err := checkListen("--store-listen", f.StoreListen); err != nil {
		return nil, err
	}
	switch {
	case f.RateLimit < 1:
		return nil, fmt.Errorf("--rate-limit %d: give at least 1 call per --rate-window", f.RateLimit)
	case f.RateWindow <= 0:
		return nil, fmt.Errorf("--rate-window %v: give a positive duration, such as 1h or 90s", f.RateWindow)
	case f.URLLifetime <= 0:
		return nil, fmt.Errorf("--url-lifetime %v: give a positive duration, such as 30s or 500ms", f.URLLifetime)
	}
	if f.DumpSize < 0 {
		return nil, fmt.Errorf("dump size %d: the size cannot be negative", f.DumpSize)
	}
	if f.Extra < 0 || f.Extra > 10000 {
		return nil, fmt.Errorf("--extra-exports %d: give 0 to 10000", f.Extra)
	}
	spelling := webadmittest.SpellingTitleCase
	if f.SnakeCase {
		spelling = webadmittest.SpellingSnakeCase
	}
	opts := []webadmittest.Option{
		webadmittest.DemoData(),
		webadmittest.WithAddr(f.Listen),
		webadmittest.WithStoreAddr(f.StoreListen),
		webadmittest.WithURLLifetime(f.URLLifetime),
		webadmittest.WithSpelling(spelling),
		webadmittest.WithRateLimit(f.RateLimit, f.RateWindow),
	}
	if log != nil {
		opts = append(opts, webadmittest.WithLogger(log))
	}
	if f.Key != "" {
		opts = append(opts, webadmittest.WithAPIKey(f.Key))
	}
	if f.DumpSize != webadmittest.DemoFullDumpSize || f.Extra > 0 {
		opts = append(opts, webadmittest.WithExports(append(demoExportsWithDump(f.DumpSize), extraExports(f.Extra)...)...))
	}
	if f.ConnRate > 0 {
		if f.S3Endpoint != "" {
			return nil, fmt.Errorf("--store-conn-rate caps the built-in store; with --s3-endpoint the files come from the S3 endpoint")
		}
		opts = append(opts, webadmittest.WithStoreConnRate(int64(f.ConnRate)))
	}
	if f.S3Endpoint != "" {
		o, err := f.s3Option()
		if err != nil {
			return nil, err
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// checkListen checks a listen address of the sandbox: HOST:PORT on
// loopback (127.0.0.1, ::1, localhost), port 0 for any free port. The
// sandbox serves demo data with a key it prints: on another interface
// anyone who reaches it could read them.
func checkListen(flag, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q is not HOST:PORT; give a loopback address such as 127.0.0.1:8080 (port 0: any free port)", flag, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s %q: the port must be a number from 0 to 65535 (0: any free port)", flag, addr)
	}
	if !secureurl.IsLoopback(host) {
		return fmt.Errorf("%s %q is not a loopback address: the sandbox serves demo data to anyone who reaches it; give 127.0.0.1:PORT, [::1]:PORT or localhost:PORT", flag, addr)
	}
	return nil
}

// demoExportsWithDump returns the demo exports with a Full Applicant Dump
// of size bytes.
func demoExportsWithDump(size int64) []webadmittest.Export {
	exports := webadmittest.DemoExports()
	for i := range exports {
		if exports[i].ID == webadmittest.DemoExportFullDump {
			exports[i].Size = size
		}
	}
	return exports
}

// extraExportBase is the id of the first of --extra-exports.
const extraExportBase = 60000

// extraExports makes n small exports of the demo identity, the i-th taking
// from 1 to 5 seconds.
func extraExports(n int) []webadmittest.Export {
	out := make([]webadmittest.Export, n)
	for i := range out {
		d := time.Second + time.Duration(i%9)*500*time.Millisecond
		out[i] = webadmittest.Export{ID: extraExportBase + i, IdentityID: webadmittest.DemoIdentityID,
			Name:     fmt.Sprintf("Generated Export %d", i+1),
			Content:  fmt.Appendf(nil, "cas_id,export\n%d,%d\n", 1000001+i, extraExportBase+i),
			Timeline: webadmittest.Timeline{Initializing: d / 5, Queued: 2 * d / 5, InProgress: 2 * d / 5}}
	}
	return out
}
