//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// results maps a benchmark's name (without the -GOMAXPROCS suffix) and a
// unit to the values of every run.
type results map[string]map[string][]float64

func (r results) get(name, unit string) []float64 { return r[name][unit] }

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseBench reads `go test -bench` output: "BenchmarkX-2  N  v unit  v unit ...".
func parseBench(out []byte) results {
	r := results{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		if r[name] == nil {
			r[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r[name][f[i+1]] = append(r[name][f[i+1]], v)
			}
		}
	}
	return r
}

// goBench runs the wrapper's benchmarks matching pattern.
func goBench(ctx context.Context, pattern string, args ...string) (results, error) {
	progress("go test -bench %s %s ./wrapper", pattern, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-run", "^$", "-bench", pattern}, append(args, "./wrapper")...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		os.Stderr.Write(out)
		return nil, fmt.Errorf("go test -bench %s: %w", pattern, err)
	}
	return parseBench(out), nil
}

// simRuns is how many exports BenchmarkPollPolicy simulates per case and
// how many downloads BenchmarkURLToRequest starts; each reports the median
// (and the worst) of its runs.
const simRuns = 200

// measureGoBenchmarks adds the figures of BenchmarkOutput, BenchmarkPollPolicy
// and BenchmarkURLToRequest.
func measureGoBenchmarks(ctx context.Context, cfg config, t *table) error {
	out, err := goBench(ctx, "^BenchmarkOutput$", "-benchtime", "20x", "-count", strconv.Itoa(cfg.runs))
	if err != nil {
		return err
	}
	raw := out.get("BenchmarkOutput/raw", "MB/s")
	utf8 := out.get("BenchmarkOutput/utf8", "MB/s")
	ratios := make([]float64, 0, len(raw))
	for i := range min(len(raw), len(utf8)) {
		ratios = append(ratios, utf8[i]/raw[i])
	}
	for _, sub := range []struct{ name, label, compare string }{
		{"sha256", "SHA-256 alone", ""},
		{"raw", "raw path (hash, count)", ""},
		{"utf8", "UTF-8 path (decode Windows-1252, hash, count)", fmt.Sprintf("%.2f× raw path", median(ratios))},
	} {
		v := out.get("BenchmarkOutput/"+sub.name, "MB/s")
		t.add(row{
			what:    "write side of a download, in memory (BenchmarkOutput): " + sub.label,
			result:  fmt.Sprintf("%.0f MB/s%s", median(v), spread(v, "%.0f")),
			runs:    runsText(len(v)),
			compare: sub.compare,
		})
	}

	out, err = goBench(ctx, "^Benchmark(PollPolicy|URLToRequest)$", "-benchtime", fmt.Sprintf("%dx", simRuns), "-count", "1")
	if err != nil {
		return err
	}
	for _, pol := range []string{"default", "fixed-3s", "fixed-60s"} {
		for _, d := range []string{"10s", "1m", "10m"} {
			name := "BenchmarkPollPolicy/" + pol + "/" + d
			first := func(unit string) float64 {
				if v := out.get(name, unit); len(v) > 0 {
					return v[0]
				}
				return -1
			}
			r := row{
				what: fmt.Sprintf("wait for a %s export, %s poll policy (simulated on the fake clock)", d, pol),
				result: fmt.Sprintf("status calls: %.0f (max %.0f); noticed %.1f s = %.1f%% late (max %.1f s = %.1f%%)",
					first("calls-median"), first("calls-max"), first("late-s-median"), first("late-%-median"),
					first("late-s-max"), first("late-%-max")),
				runs: runsText(simRuns),
			}
			if pol == "default" && d == "10m" {
				r.target = verdict("≤ 30 calls and ≤ 10% late (max of the runs)", first("calls-max") <= 30 && first("late-%-max") <= 10)
			}
			t.add(r)
		}
	}
	v := out.get("BenchmarkURLToRequest", "µs-median")
	worst := out.get("BenchmarkURLToRequest", "µs-max")
	if len(v) == 0 || len(worst) == 0 {
		return fmt.Errorf("BenchmarkURLToRequest reported nothing")
	}
	t.add(row{
		what:   "status answer with the URL → GET received by the store (BenchmarkURLToRequest, new connection)",
		result: fmt.Sprintf("%.2f ms (max %.2f ms)", v[0]/1000, worst[0]/1000),
		runs:   runsText(simRuns),
		target: verdict("< 50 ms (max of the runs)", worst[0] < 50_000),
	})
	return nil
}
