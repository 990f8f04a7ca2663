//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the figures were measured.
type machine struct {
	date      time.Time
	cpus      int
	cpuModel  string
	memory    string
	kernel    string
	goVersion string
	curl      string
	loadStart string
	loadEnd   string
}

func readMachine() machine {
	return machine{
		date:      time.Now().UTC(),
		cpus:      runtime.NumCPU(),
		cpuModel:  procField("/proc/cpuinfo", "model name"),
		memory:    memTotal(),
		kernel:    strings.TrimSpace(readString("/proc/sys/kernel/osrelease")),
		goVersion: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		curl:      curlVersion(),
		loadStart: loadAverage(),
	}
}

// String renders the machine as Markdown list items.
func (m machine) String() string {
	return fmt.Sprintf("- date: %s\n- machine: %d CPUs (nproc), %s, %s memory, Linux %s\n- Go: %s; %s\n- load average (1, 5, 15 min): %s at the start, %s at the end\n",
		m.date.Format("2006-01-02 15:04 MST"), m.cpus, m.cpuModel, m.memory, m.kernel, m.goVersion, m.curl, m.loadStart, m.loadEnd)
}

// procField returns the value of the first "name: value" line of a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func readString(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return string(b)
}

// memTotal renders /proc/meminfo's MemTotal in GiB.
func memTotal() string {
	kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

// curlVersion is the first words of `curl --version`.
func curlVersion() string {
	out, err := exec.Command("curl", "--version").Output()
	if err != nil {
		return "curl: not found"
	}
	f := strings.Fields(string(out))
	return strings.Join(f[:min(2, len(f))], " ")
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	f := strings.Fields(readString("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}
