//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
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
	loadStart string
	loadEnd   string
}

func readMachine() machine {
	return machine{
		date:      time.Now().UTC(),
		cpus:      runtime.NumCPU(),
		cpuModel:  procField("/proc/cpuinfo", "model name"),
		memory:    procField("/proc/meminfo", "MemTotal"),
		kernel:    strings.TrimSpace(readString("/proc/sys/kernel/osrelease")),
		goVersion: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		loadStart: loadAverage(),
	}
}

// String renders the machine as Markdown list items.
func (m machine) String() string {
	return fmt.Sprintf("- date: %s\n- machine: %d CPUs (nproc), %s, %s memory, Linux %s\n- Go: %s\n- load average (1, 5, 15 min): %s at the start, %s at the end\n",
		m.date.Format("2006-01-02 15:04 MST"), m.cpus, m.cpuModel, m.memory, m.kernel, m.goVersion, m.loadStart, m.loadEnd)
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

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	f := strings.Fields(readString("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}
