//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/webadmit-go/webadmit/wrapper"
)

// client is one way of downloading the export: to path, or to nowhere
// (io.Discard, /dev/null) when path is "". It returns the bytes received
// (-1: not known) and the CPU time of any child process it ran. Every
// client starts with the status call that yields a fresh URL, as a script
// must, so that all of them are timed alike.
type client struct {
	key    string // row key
	name   string // table label
	toFile bool
	fetch  func(ctx context.Context, s *sandbox, path string) (n int64, childCPU time.Duration, err error)
}

func downloadClients() []client {
	hc := &http.Client{}
	plain := func(ctx context.Context, s *sandbox, path string) (int64, time.Duration, error) {
		u, err := s.freshURL(ctx)
		if err != nil {
			return 0, 0, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return 0, 0, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("GET: %s", resp.Status)
		}
		if path == "" {
			n, err := io.Copy(io.Discard, resp.Body)
			return n, 0, err
		}
		f, err := os.Create(path)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(f, resp.Body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return n, 0, err
	}
	curl := func(fsync bool) func(context.Context, *sandbox, string) (int64, time.Duration, error) {
		return func(ctx context.Context, s *sandbox, path string) (int64, time.Duration, error) {
			u, err := s.freshURL(ctx)
			if err != nil {
				return 0, 0, err
			}
			out := path
			if out == "" {
				out = os.DevNull
			}
			cmd := exec.CommandContext(ctx, "curl", "-sS", "--fail", "-o", out, u)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				return 0, 0, fmt.Errorf("curl: %w", err)
			}
			cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			if path == "" {
				return -1, cpu, nil // curl says nothing of the size; --fail vouches for the status
			}
			if fsync {
				if err := syncFile(path); err != nil {
					return 0, 0, err
				}
			}
			fi, err := os.Stat(path)
			if err != nil {
				return 0, 0, err
			}
			return fi.Size(), cpu, nil
		}
	}
	viaWrapper := func(utf8 bool, connections int) func(context.Context, *sandbox, string) (int64, time.Duration, error) {
		return func(ctx context.Context, s *sandbox, path string) (int64, time.Duration, error) {
			dst := wrapper.ToWriter(io.Discard)
			if path != "" {
				dst = wrapper.ToFile(path, wrapper.FileOptions{Overwrite: true})
			}
			opts := []wrapper.RunOption{wrapper.Connections(connections)}
			if utf8 {
				opts = append(opts, wrapper.TranscodeToUTF8())
			}
			res, err := s.client.ExportRun(exportID, s.runID).Download(ctx, dst, opts...)
			if err != nil {
				return 0, 0, err
			}
			if utf8 && !res.Transcoded {
				return 0, 0, fmt.Errorf("the download was not transcoded (Content-Type %q)", res.ContentType)
			}
			return res.Received, 0, nil
		}
	}
	return []client{
		{key: "curl-file", name: "curl -o FILE", toFile: true, fetch: curl(false)},
		{key: "curl-file-fsync", name: "curl -o FILE, then fsync", toFile: true, fetch: curl(true)},
		{key: "copy-file", name: "http.Get + io.Copy to os.File", toFile: true, fetch: plain},
		{key: "wrapper-file", name: "wrapper ToFile (temp file, fsync, rename)", toFile: true, fetch: viaWrapper(false, wrapper.DefaultConnections)},
		{key: "wrapper-file-1", name: "wrapper ToFile, Connections(1): one stream", toFile: true, fetch: viaWrapper(false, 1)},
		{key: "curl-null", name: "curl -o /dev/null", fetch: curl(false)},
		{key: "copy-null", name: "http.Get + io.Copy to io.Discard", fetch: plain},
		{key: "wrapper-null", name: "wrapper ToWriter(io.Discard)", fetch: viaWrapper(false, 1)},
		{key: "wrapper-utf8", name: "wrapper ToWriter(io.Discard) + TranscodeToUTF8", fetch: viaWrapper(true, 1)},
	}
}

// measureDownloads downloads the large export with every client, round by
// round in rotating order, and adds the throughputs, the CPU time of each
// client and of the sandbox per GiB, and the per-round ratios.
func measureDownloads(ctx context.Context, cfg config, bins binaries, t *table) error {
	s, err := startSandbox(ctx, bins.sandbox, cfg.size)
	if err != nil {
		return err
	}
	defer s.stop()
	clients := downloadClients()
	mbps := map[string][]float64{}
	cpu := map[string][]float64{} // client CPU seconds per GiB
	var serverCPU []float64       // sandbox CPU seconds per GiB served
	ratios := map[string][]float64{}
	gib := float64(cfg.size) / (1 << 30)
	for round := range cfg.runs {
		got := map[string]float64{}
		for i := range clients {
			c := clients[(i+round)%len(clients)]
			path := ""
			if c.toFile {
				path = filepath.Join(cfg.dir, "export.csv")
			}
			self0, server0 := selfCPU(), processCPU(s.cmd.Process.Pid)
			start := time.Now()
			n, child, err := c.fetch(ctx, s, path)
			elapsed := time.Since(start)
			self1, server1 := selfCPU(), processCPU(s.cmd.Process.Pid)
			if err == nil && n >= 0 && n != cfg.size {
				err = fmt.Errorf("received %d bytes, want %d", n, cfg.size)
			}
			if path != "" {
				_ = os.Remove(path)
			}
			syscall.Sync() // no dirty pages of one client slow down the next
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			got[c.key] = float64(cfg.size) / elapsed.Seconds() / 1e6
			mbps[c.key] = append(mbps[c.key], got[c.key])
			cpu[c.key] = append(cpu[c.key], (self1-self0+child).Seconds()/gib)
			serverCPU = append(serverCPU, (server1-server0).Seconds()/gib)
			progress("download round %d/%d: %-48s %7.0f MB/s", round+1, cfg.runs, c.name, got[c.key])
		}
		for _, p := range ratioPairs {
			ratios[p.of+"/"+p.to] = append(ratios[p.of+"/"+p.to], got[p.of]/got[p.to])
		}
	}
	for _, c := range clients {
		r := row{
			what:   fmt.Sprintf("download %s, %s", mib(cfg.size), c.name),
			result: fmt.Sprintf("%.0f MB/s%s; client CPU %.2f s/GiB", median(mbps[c.key]), spread(mbps[c.key], "%.0f"), median(cpu[c.key])),
			runs:   runsText(cfg.runs),
		}
		var compare []string
		for _, p := range ratioPairs {
			if p.of != c.key {
				continue
			}
			m := median(ratios[p.of+"/"+p.to])
			compare = append(compare, fmt.Sprintf("%.2f× %s", m, p.label))
			if p.target > 0 {
				r.target = verdict(fmt.Sprintf("≥ %.2f× curl", p.target), m >= p.target)
			}
		}
		r.compare = strings.Join(compare, "; ")
		t.add(r)
	}
	t.add(row{
		what:   "CPU of the sandbox process serving those downloads",
		result: fmt.Sprintf("%.2f s/GiB%s", median(serverCPU), spread(serverCPU, "%.2f")),
		runs:   runsText(len(serverCPU)),
	})
	return nil
}

// ratioPairs are the side-by-side comparisons: each round's throughput of
// one client over another's.
var ratioPairs = []struct {
	of, to, label string
	target        float64
}{
	{"curl-file-fsync", "curl-file", "curl without fsync", 0},
	{"copy-file", "curl-file", "curl", 0},
	{"wrapper-file", "curl-file", "curl", 0.95},
	{"wrapper-file", "curl-file-fsync", "curl + fsync", 0},
	{"wrapper-file", "wrapper-file-1", "one stream", 0},
	{"copy-null", "curl-null", "curl", 0},
	{"wrapper-null", "curl-null", "curl", 0.95},
	{"wrapper-utf8", "wrapper-null", "raw wrapper", 0},
}

// syncFile flushes a file to disk, as the wrapper's ToFile does.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// selfCPU is the driver's own CPU time so far (user and system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU is a process's CPU time so far, from /proc (in clock ticks of
// 10 ms).
func processCPU(pid int) time.Duration {
	f := strings.Fields(readString(fmt.Sprintf("/proc/%d/stat", pid)))
	if len(f) < 15 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[13], 10, 64)
	stime, _ := strconv.ParseInt(f[14], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
