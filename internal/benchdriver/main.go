//go:build linux

// Command benchdriver runs the measurements of BENCHMARKS.md and prints them
// as one Markdown table; `make bench` runs it from the repository root:
//
//	go run ./internal/benchdriver [-runs 5] [-size 1073741824] [-cold=false] [-only download,capped,rss,many,go,generate]
//
// It builds the CLI and the standalone sandbox, starts the sandbox as its own
// process serving a generated export of -size bytes, and then measures, each
// figure the median of -runs runs:
//
//   - downloads of the export to a file and to /dev/null by the wrapper, a
//     plain http.Get + io.Copy and curl, interleaved round by round, with
//     each round's ratios to curl (and the UTF-8 path's to the raw one);
//   - downloads of -capped-size bytes from the sandbox capping each store
//     connection at -conn-rate (webadmit sandbox --store-conn-rate): curl
//     (one stream) beside the CLI with --connections 1 and with
//     -connections, to a file, round by round, with the CLI's peak RSS;
//   - the peak RSS of the CLI (a third process) downloading 100 MiB and
//     -size bytes, from the kernel's rusage (what /usr/bin/time -v prints);
//   - the wrapper's Go benchmarks that need no network between processes
//     (BenchmarkPollPolicy, BenchmarkURLToRequest, BenchmarkOutput);
//   - the wall time of `make generate`, warm and with an empty GOCACHE.
//
// Progress goes to stderr, the table to stdout. The driver reads /proc and
// rusage, so it runs on Linux only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

type config struct {
	runs        int
	size        int64
	small       int64
	cold        bool
	dir         string
	sections    []string
	cappedRuns  int
	cappedSize  int64
	connRate    int64
	connections int
}

var allSections = []string{"download", "capped", "rss", "many", "go", "generate"}

func main() {
	var cfg config
	var only string
	flag.IntVar(&cfg.runs, "runs", 5, "runs per figure (the median is reported)")
	flag.Int64Var(&cfg.size, "size", 1<<30, "size in bytes of the large export")
	flag.Int64Var(&cfg.small, "small", 100<<20, "size in bytes of the small export of the memory comparison")
	flag.BoolVar(&cfg.cold, "cold", true, "also time `make generate` with an empty GOCACHE (about 40 s on 2 cores)")
	flag.StringVar(&cfg.dir, "dir", "", "directory for the downloaded files (default: a new temporary directory)")
	flag.IntVar(&cfg.cappedRuns, "capped-runs", 3, "runs per figure of the capped section (a run of curl alone takes -capped-size / -conn-rate)")
	flag.Int64Var(&cfg.cappedSize, "capped-size", 1<<30, "size in bytes of the export of the capped section")
	flag.Int64Var(&cfg.connRate, "conn-rate", 50_000_000, "the capped section's cap on each store connection, bytes a second")
	flag.IntVar(&cfg.connections, "connections", 8, "the CLI's --connections in the capped section")
	flag.StringVar(&only, "only", strings.Join(allSections, ","), "sections to run: "+strings.Join(allSections, ","))
	flag.Parse()
	cfg.sections = strings.Split(only, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdriver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	if cfg.runs < 1 || cfg.size < 1 || cfg.small < 1 || cfg.cappedRuns < 1 || cfg.cappedSize < 1 || cfg.connRate < 1 || cfg.connections < 2 {
		return errors.New("-runs, -size, -small, -capped-runs, -capped-size and -conn-rate must be positive, -connections at least 2")
	}
	for _, s := range cfg.sections {
		if !slices.Contains(allSections, s) {
			return fmt.Errorf("-only: unknown section %q (have %s)", s, strings.Join(allSections, ","))
		}
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root (make bench)")
	}
	work, err := os.MkdirTemp("", "webadmit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if cfg.dir == "" {
		cfg.dir = filepath.Join(work, "downloads")
		if err := os.Mkdir(cfg.dir, 0o700); err != nil {
			return err
		}
	}
	m := readMachine()
	var t table
	want := func(s string) bool { return slices.Contains(cfg.sections, s) }

	if want("download") || want("capped") || want("rss") || want("many") {
		progress("building the CLI and the sandbox")
		bins, err := build(ctx, work)
		if err != nil {
			return err
		}
		if want("download") {
			if err := measureDownloads(ctx, cfg, bins, &t); err != nil {
				return err
			}
		}
		if want("capped") {
			if err := measureCapped(ctx, cfg, bins, &t); err != nil {
				return err
			}
		}
		if want("rss") {
			if err := measureRSS(ctx, cfg, bins, &t); err != nil {
				return err
			}
		}
		if want("many") {
			if err := measureMany(ctx, cfg, bins, &t); err != nil {
				return err
			}
		}
	}
	if want("go") {
		if err := measureGoBenchmarks(ctx, cfg, &t); err != nil {
			return err
		}
	}
	if want("generate") {
		if err := measureGenerate(ctx, cfg, &t); err != nil {
			return err
		}
	}
	m.loadEnd = loadAverage()
	fmt.Print(m.String())
	fmt.Println()
	fmt.Print(t.String())
	return nil
}

// progress reports what the driver is doing, on stderr.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
