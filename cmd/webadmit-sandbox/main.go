// Command webadmit-sandbox runs the fake WebAdMIT API and object store of
// package webadmittest with its demo data, so anyone can try the API with
// curl:
//
//	go run ./cmd/webadmit-sandbox -listen 127.0.0.1:8080
//
// It prints the base URL and the API key and serves until interrupted.
// -dump-size sets the size of the generated "Full Applicant Dump" export
// (29902, 64 MiB by default), e.g. for benchmarks of large downloads:
//
//	go run ./cmd/webadmit-sandbox -listen 127.0.0.1:0 -dump-size 1073741824
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/webadmit-go/webadmit/webadmittest"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "webadmit-sandbox:", err)
		os.Exit(2)
	}
}

// run parses args, starts the sandbox, prints how to reach it to stdout and
// serves until ctx ends or the process is interrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("webadmit-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "`address` of the API")
	storeListen := fs.String("store-listen", "127.0.0.1:0", "`address` of the object store (port 0: any free port)")
	key := fs.String("key", "", "API `key` to accept (default: a random key, printed at start)")
	lifetime := fs.Duration("url-lifetime", webadmittest.DefaultURLLifetime, "how long a download URL stays valid")
	snake := fs.Bool("snake-case", false, "spell statuses in snake_case (in_progress) as the older docs do")
	rateLimit := fs.Int("rate-limit", webadmittest.DefaultRateLimit, "calls allowed per rate window")
	rateWindow := fs.Duration("rate-window", webadmittest.DefaultRateWindow, "rate limit window")
	dumpSize := fs.Int64("dump-size", webadmittest.DemoFullDumpSize, "size in `bytes` of the generated Full Applicant Dump export (29902)")
	verbose := fs.Bool("v", false, "log every request to stderr (never the key or URL queries)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (run with -h for help)", fs.Args())
	}
	if *dumpSize < 0 {
		return fmt.Errorf("-dump-size %d: the size cannot be negative", *dumpSize)
	}

	logLevel := slog.LevelWarn
	if *verbose {
		logLevel = slog.LevelDebug
	}
	spelling := webadmittest.SpellingTitleCase
	if *snake {
		spelling = webadmittest.SpellingSnakeCase
	}
	opts := []webadmittest.Option{
		webadmittest.DemoData(),
		webadmittest.WithAddr(*listen),
		webadmittest.WithStoreAddr(*storeListen),
		webadmittest.WithURLLifetime(*lifetime),
		webadmittest.WithSpelling(spelling),
		webadmittest.WithRateLimit(*rateLimit, *rateWindow),
		webadmittest.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))),
	}
	if *key != "" {
		opts = append(opts, webadmittest.WithAPIKey(*key))
	}
	if *dumpSize != webadmittest.DemoFullDumpSize {
		opts = append(opts, webadmittest.WithExports(demoExportsWithDump(*dumpSize)...))
	}
	srv, err := webadmittest.New(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	fmt.Fprintf(stdout, "WebAdMIT sandbox (demo data; see go doc webadmittest.DemoData)\n")
	fmt.Fprintf(stdout, "  base URL:     %s\n", srv.URL())
	fmt.Fprintf(stdout, "  API key:      %s\n", srv.APIKey())
	fmt.Fprintf(stdout, "  object store: %s\n", srv.StoreURL())
	fmt.Fprintf(stdout, "Try:\n  curl -H 'x-api-key: %s' %s/api/v1/user_identities\n", srv.APIKey(), srv.URL())
	fmt.Fprintf(stdout, "  curl -X POST -H 'x-api-key: %s' %s/api/v1/user_identities/%d/exports/%d/export_files\n",
		srv.APIKey(), srv.URL(), webadmittest.DemoIdentityID, webadmittest.DemoExportNightlyBanner)
	fmt.Fprintf(stdout, "Press Ctrl-C to stop.\n")

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintf(stdout, "stopping\n")
	srv.Close()
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
