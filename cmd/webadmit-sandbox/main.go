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
//
// -s3-endpoint serves the files from a bucket of an S3 endpoint instead, with
// SigV4 pre-signed URLs (credentials from the standard AWS environment):
//
//	AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... go run ./cmd/webadmit-sandbox -s3-endpoint http://127.0.0.1:8333
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/webadmit-go/webadmit/internal/sandboxflags"
	"github.com/webadmit-go/webadmit/webadmittest"
)

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitCode is the process exit code of run's error: 0 for none and for
// -h (the usage is already printed), else 2 after printing the error.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "webadmit-sandbox:", err)
	return 2
}

// run parses args, starts the sandbox, prints how to reach it to stdout and
// serves until ctx ends or the process is interrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("webadmit-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags sandboxflags.Flags
	flags.Register(fs)
	verbose := fs.Bool("v", false, "log every request to stderr (never the key or URL queries)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (run with -h for help)", fs.Args())
	}
	logLevel := slog.LevelWarn
	if *verbose {
		logLevel = slog.LevelDebug
	}
	opts, err := flags.Options(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel})))
	if err != nil {
		return err
	}
	srv, err := webadmittest.New(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	fmt.Fprintf(stdout, "WebAdMIT sandbox (demo data; see go doc webadmittest.DemoData)\n")
	fmt.Fprintf(stdout, "  base URL:     %s\n", srv.URL())
	fmt.Fprintf(stdout, "  API key:      %s\n", srv.APIKey())
	fmt.Fprintf(stdout, "  object store: %s\n", flags.StoreText(srv.StoreURL()))
	fmt.Fprintf(stdout, "Try:\n  curl -H 'x-api-key: %s' %s/api/v1/user_identities\n", srv.APIKey(), srv.URL())
	fmt.Fprintf(stdout, "  curl -X POST -H 'x-api-key: %s' %s/api/v1/user_identities/%d/exports/%d/export_files\n",
		srv.APIKey(), srv.URL(), webadmittest.DemoIdentityID, webadmittest.DemoExportNightlyBanner)
	fmt.Fprintf(stdout, "  curl -H 'x-api-key: %s' %s/api/v1/exports/%d/export_files/%d   # a finished run, with a download_url\n",
		srv.APIKey(), srv.URL(), webadmittest.DemoExportNightlyBanner, webadmittest.DemoRunNightlyBanner)
	fmt.Fprintf(stdout, "Press Ctrl-C to stop.\n")

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintf(stdout, "stopping\n")
	srv.Close()
	return nil
}
