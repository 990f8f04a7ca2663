//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// manyExportsRSSTarget bounds the CLI's peak RSS running 100 small exports
// at once.
const manyExportsRSSTarget = 48 << 20

// simLine is a line of TestManyExportsSimulation's log.
var simLine = regexp.MustCompile(`many-exports n=(\d+) way=(\S+) status=(\d+) list=(\d+) calls=(\d+) wall=(\S+) longest=(\S+) wall/longest=([\d.]+)`)

// measureMany adds the rows of many exports at once: the simulation's
// calls and wall time for 20 and 100 exports of 10 s to 10 min (three ways
// of running them, on a virtual clock), and the CLI's peak RSS running 100
// small exports against a sandbox process.
func measureMany(ctx context.Context, cfg config, bins binaries, t *table) error {
	progress("simulating 20 and 100 exports three ways (TestManyExportsSimulation)")
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^TestManyExportsSimulation$", "-v", "./wrapper")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("TestManyExportsSimulation: %w\n%s", err, out)
	}
	type sim struct {
		calls, status, list int
		wall                string
		ratio               float64
	}
	got := map[string]sim{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := simLine.FindStringSubmatch(sc.Text()); m != nil {
			calls, _ := strconv.Atoi(m[5])
			status, _ := strconv.Atoi(m[3])
			list, _ := strconv.Atoi(m[4])
			ratio, _ := strconv.ParseFloat(m[8], 64)
			got[m[1]+"/"+m[2]] = sim{calls, status, list, m[6], ratio}
		}
	}
	for _, n := range []string{"20", "100"} {
		s, p, l := got[n+"/shared"], got[n+"/per-run"], got[n+"/loop"]
		if s.calls == 0 {
			return fmt.Errorf("TestManyExportsSimulation printed no figures for %s exports:\n%s", n, out)
		}
		nn, _ := strconv.Atoi(n)
		t.add(row{
			what:    fmt.Sprintf("%s exports of 10 s to 10 min at once (RunExports, shared status list; simulated): status + list calls", n),
			result:  fmt.Sprintf("%d (%d status, %d list)", s.calls, s.status, s.list),
			runs:    "1",
			compare: fmt.Sprintf("one waiter per run: %d; a loop of RunExport: %d", p.calls, l.calls),
			target:  verdict(fmt.Sprintf("≤ N + 2 × one 10 min export = %d + 2 × 27", nn), s.calls <= nn+54),
		})
		t.add(row{
			what:    fmt.Sprintf("%s exports of 10 s to 10 min at once (simulated): wall time", n),
			result:  fmt.Sprintf("%s (%.3f× the longest)", s.wall, s.ratio),
			runs:    "1",
			compare: fmt.Sprintf("one waiter per run: %s; a loop of RunExport: %s", p.wall, l.wall),
			target:  verdict("≤ the longest + 10%", s.ratio <= 1.10),
		})
	}

	progress("running 100 small exports at once with the CLI")
	s, err := startSandbox(ctx, bins.sandbox, 1<<20, "--extra-exports", "100")
	if err != nil {
		return err
	}
	defer s.stop()
	dir, err := os.MkdirTemp(cfg.dir, "many-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var manifest bytes.Buffer
	for i := range 100 {
		fmt.Fprintf(&manifest, "- {identity: 42, export: %d}\n", 60000+i)
	}
	mpath := filepath.Join(dir, "manifest.yaml")
	if err := os.WriteFile(mpath, manifest.Bytes(), 0o600); err != nil {
		return err
	}
	var peaks, walls []float64
	for i := range cfg.runs {
		out := filepath.Join(dir, fmt.Sprintf("run-%d", i))
		cmd := exec.CommandContext(ctx, bins.cli, "run", "--manifest", mpath, "-o", out, "--quiet")
		cmd.Env = append(os.Environ(), "WEBADMIT_BASE_URL="+s.base, "WEBADMIT_API_KEY="+s.key)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("webadmit run --manifest (100 exports): %w", err)
		}
		walls = append(walls, time.Since(start).Seconds())
		entries, _ := os.ReadDir(out)
		if len(entries) != 100 {
			return fmt.Errorf("webadmit run --manifest wrote %d files, want 100", len(entries))
		}
		ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		peaks = append(peaks, float64(ru.Maxrss*1024)/(1<<20))
		progress("100 exports %d/%d: peak RSS %.1f MiB, %.1f s", i+1, cfg.runs, peaks[i], walls[i])
	}
	t.add(row{
		what:    "CLI `webadmit run --manifest` of 100 small exports (1 to 5 s each) at once: peak RSS",
		result:  fmt.Sprintf("%.1f MiB%s, in %.1f s", median(peaks), spread(peaks, "%.1f"), median(walls)),
		runs:    runsText(cfg.runs),
		target:  verdict(fmt.Sprintf("≤ %d MiB (max of the runs %.1f)", manyExportsRSSTarget>>20, maxOf(peaks)), maxOf(peaks) <= manyExportsRSSTarget>>20),
		compare: "",
	})
	return nil
}

// maxOf is the largest of xs.
func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
