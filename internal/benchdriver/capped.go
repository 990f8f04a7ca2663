//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// maxCappedRSS is the bound on the CLI's peak RSS when it
// downloads over several connections, at any size.
const maxCappedRSS = 48 << 20

// cappedTarget is the target: the CLI over -connections
// connections at least this many times as fast as curl's one stream.
const cappedTarget = 4

// measureCapped downloads the export from a sandbox whose store caps each
// connection, as a real store does, with curl (one stream) and the CLI
// over one and over cfg.connections connections, round by round in
// rotating order, all to a file, and adds the throughputs, the per-round
// ratios to curl and the CLI's peak RSS.
func measureCapped(ctx context.Context, cfg config, bins binaries, t *table) error {
	s, err := startSandbox(ctx, bins.sandbox, cfg.cappedSize, "--store-conn-rate", strconv.FormatInt(cfg.connRate, 10))
	if err != nil {
		return err
	}
	defer s.stop()
	path := filepath.Join(cfg.dir, "capped.csv")
	type cappedClient struct {
		key, name string
		fetch     func() (rss int64, err error)
	}
	cli := func(conns int) func() (int64, error) {
		return func() (int64, error) {
			rss, _, err := cliDownload(ctx, bins.cli, s, path, cfg.cappedSize, "--connections", strconv.Itoa(conns))
			return rss, err
		}
	}
	clients := []cappedClient{
		{"curl", "curl -o FILE (one stream)", func() (int64, error) {
			defer os.Remove(path)
			u, err := s.freshURL(ctx)
			if err != nil {
				return 0, err
			}
			if err := exec.CommandContext(ctx, "curl", "-sS", "--fail", "-o", path, u).Run(); err != nil {
				return 0, fmt.Errorf("curl: %w", err)
			}
			return 0, nil
		}},
		{"cli1", "CLI `webadmit download --connections 1`", cli(1)},
		{"cliN", fmt.Sprintf("CLI `webadmit download --connections %d`", cfg.connections), cli(cfg.connections)},
	}
	mbps := map[string][]float64{}
	ratios := map[string][]float64{}
	var rss []float64
	for round := range cfg.cappedRuns {
		got := map[string]float64{}
		for i := range clients {
			c := clients[(i+round)%len(clients)]
			start := time.Now()
			peak, err := c.fetch()
			elapsed := time.Since(start)
			syscall.Sync()
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			got[c.key] = float64(cfg.cappedSize) / elapsed.Seconds() / 1e6
			mbps[c.key] = append(mbps[c.key], got[c.key])
			if c.key == "cliN" {
				rss = append(rss, float64(peak)/(1<<20))
			}
			progress("capped round %d/%d: %-44s %7.0f MB/s", round+1, cfg.cappedRuns, c.name, got[c.key])
		}
		for _, k := range []string{"cli1", "cliN"} {
			ratios[k] = append(ratios[k], got[k]/got["curl"])
		}
	}
	capText := fmt.Sprintf("%s, store capped at %.0f MB/s a connection", mib(cfg.cappedSize), float64(cfg.connRate)/1e6)
	for _, c := range clients {
		r := row{
			what:   fmt.Sprintf("download %s, %s", capText, c.name),
			result: fmt.Sprintf("%.0f MB/s%s", median(mbps[c.key]), spread(mbps[c.key], "%.0f")),
			runs:   runsText(cfg.cappedRuns),
		}
		if c.key != "curl" {
			m := median(ratios[c.key])
			r.compare = fmt.Sprintf("%.2f× curl (%.2f–%.2f)", m, slices.Min(ratios[c.key]), slices.Max(ratios[c.key]))
			if c.key == "cliN" {
				r.target = verdict(fmt.Sprintf("≥ %d× curl", cappedTarget), m >= cappedTarget)
			}
		}
		t.add(r)
	}
	t.add(row{
		what:   fmt.Sprintf("peak RSS of the CLI `webadmit download --connections %d` to a file, %s", cfg.connections, capText),
		result: fmt.Sprintf("%.1f MiB%s", median(rss), spread(rss, "%.1f")),
		runs:   runsText(cfg.cappedRuns),
		target: verdict(fmt.Sprintf("≤ %d MiB (max of the runs %.1f)", maxCappedRSS>>20, slices.Max(rss)), slices.Max(rss) <= maxCappedRSS>>20),
	})
	return nil
}
