//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// measureGenerate times `make generate`: -runs times with the build cache
// as it is, and once (with -cold) with an empty GOCACHE, which builds the
// generator and the standard library from source.
func measureGenerate(ctx context.Context, cfg config, t *table) error {
	var warm []float64
	for i := range cfg.runs {
		d, err := makeGenerate(ctx, nil)
		if err != nil {
			return err
		}
		warm = append(warm, d.Seconds())
		progress("make generate %d/%d: %.2f s", i+1, cfg.runs, d.Seconds())
	}
	t.add(row{
		what:   "`make generate`, build cache warm",
		result: fmt.Sprintf("%.2f s%s", median(warm), spread(warm, "%.2f")),
		runs:   runsText(cfg.runs),
	})
	if !cfg.cold {
		return nil
	}
	cache, err := os.MkdirTemp("", "webadmit-gocache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cache)
	progress("make generate with an empty GOCACHE (builds the generator from source)")
	d, err := makeGenerate(ctx, []string{"GOCACHE=" + cache})
	if err != nil {
		return err
	}
	t.add(row{
		what:   "`make generate`, empty GOCACHE (cold build of oapi-codegen and the standard library)",
		result: fmt.Sprintf("%.1f s", d.Seconds()),
		runs:   "1",
	})
	return nil
}

func makeGenerate(ctx context.Context, env []string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "-s", "generate")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("make generate: %w", err)
	}
	return time.Since(start), nil
}
