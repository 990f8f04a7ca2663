// Command docscheck compares the WebAdMIT documentation pages with the
// OpenAPI spec and reports drift: operations, parameters, attributes, status
// codes, error messages and examples the docs give differently from the spec.
//
// Usage:
//
//	go run ./gen/docscheck [-spec spec/webadmit.yaml] [-v] SOURCE...
//
// A SOURCE is a docs folder (the docs repository, whose pages/ and seed/
// pages are checked separately, or any folder of .md/.html pages), a single
// page file, or an http(s) URL of the site (crawled from there). The exit
// status is 0 when there is no drift, 1 when there is, 2 on a usage or read
// error. `make check-docs DOCS=...` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/webadmit-go/webadmit/internal/docscheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("docscheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "spec/webadmit.yaml", "OpenAPI spec to compare the docs with")
	verbose := fs.Bool("v", false, "also print notes: what the spec has beyond the pages (enum values, statuses, properties no page mentions)")
	timeout := fs.Duration("timeout", 2*time.Minute, "time limit for fetching pages from a URL")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: docscheck [-spec file] [-v] [-timeout d] SOURCE...")
		fmt.Fprintln(stderr, "SOURCE: a docs folder, a page file, or an http(s) URL of the docs site.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	spec, err := docscheck.LoadSpec(*specPath)
	if err != nil {
		fmt.Fprintln(stderr, "docscheck:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	loader := &docscheck.Loader{Extra: spec.DocsPages()}
	drift := false
	for _, location := range fs.Args() {
		sources, err := loader.Load(ctx, location)
		if err != nil {
			fmt.Fprintln(stderr, "docscheck:", err)
			return 2
		}
		for _, src := range sources {
			report := docscheck.Check(spec, src.Name, src.Pages, src.Scope)
			if err := report.Write(stdout, *verbose); err != nil {
				fmt.Fprintln(stderr, "docscheck:", err)
				return 2
			}
			drift = drift || report.HasDrift()
		}
	}
	if drift {
		return 1
	}
	return 0
}
