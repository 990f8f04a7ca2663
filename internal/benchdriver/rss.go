//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// maxRSSTarget is the bound on the CLI's peak RSS for 1 GiB.
const maxRSSTarget = 32 << 20

// measureRSS runs the CLI's download command against a sandbox process for
// the small and the large export and adds its peak RSS (ru_maxrss of the
// waited-for process, the figure /usr/bin/time -v reports).
func measureRSS(ctx context.Context, cfg config, bins binaries, t *table) error {
	peaks := map[int64][]float64{}
	for _, size := range []int64{cfg.small, cfg.size} {
		s, err := startSandbox(ctx, bins.sandbox, size)
		if err != nil {
			return err
		}
		var speeds []float64
		for i := range cfg.runs {
			peak, elapsed, err := cliDownload(ctx, bins.cli, s, filepath.Join(cfg.dir, "cli.csv"), size)
			if err != nil {
				s.stop()
				return err
			}
			peaks[size] = append(peaks[size], float64(peak)/(1<<20))
			speeds = append(speeds, float64(size)/elapsed.Seconds()/1e6)
			progress("CLI download %d/%d of %s: peak RSS %.1f MiB, %.0f MB/s", i+1, cfg.runs, mib(size), float64(peak)/(1<<20), speeds[i])
		}
		s.stop()
		r := row{
			what:   fmt.Sprintf("CLI `webadmit download` of %s to a file: peak RSS", mib(size)),
			result: fmt.Sprintf("%.1f MiB%s, at %.0f MB/s", median(peaks[size]), spread(peaks[size], "%.1f"), median(speeds)),
			runs:   runsText(cfg.runs),
		}
		if size == cfg.size {
			small, large := median(peaks[cfg.small]), median(peaks[cfg.size])
			r.compare = fmt.Sprintf("%.2f× the %s download", large/small, mib(cfg.small))
			r.target = verdict(fmt.Sprintf("≤ %d MiB (max of the runs %.1f)", maxRSSTarget>>20, slices.Max(peaks[size])),
				slices.Max(peaks[size]) <= maxRSSTarget>>20)
		}
		t.add(r)
	}
	return nil
}

// cliDownload runs `webadmit download` of the sandbox's finished run into
// path, with the extra flags, and returns the process's peak RSS in bytes
// and its wall time.
func cliDownload(ctx context.Context, cli string, s *sandbox, path string, size int64, extra ...string) (int64, time.Duration, error) {
	defer os.Remove(path)
	cmd := exec.CommandContext(ctx, cli, append([]string{"download", "--export", strconv.Itoa(exportID), "--file", strconv.Itoa(s.runID),
		"-o", path, "--force", "--quiet"}, extra...)...)
	cmd.Env = append(os.Environ(), "WEBADMIT_BASE_URL="+s.base, "WEBADMIT_API_KEY="+s.key)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("webadmit download: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("webadmit download: %w", err)
	}
	if fi.Size() != size {
		return 0, 0, fmt.Errorf("webadmit download wrote %d bytes, want %d", fi.Size(), size)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss <= 0 {
		return 0, 0, errors.New("no rusage for the CLI process")
	}
	syscall.Sync()
	return ru.Maxrss << 10, elapsed, nil // Linux reports ru_maxrss in KiB
}
