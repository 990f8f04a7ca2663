//go:build linux

package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
)

// TestProgressBarUnitsMatchTheSummary: on a terminal, the byte bar counts
// in the units the summary line uses, IEC (KiB, MiB), never SI (kB, MB).
func TestProgressBarUnitsMatchTheSummary(t *testing.T) {
	t.Parallel()
	const size = 3 << 20
	s := webadmittest.NewTest(t,
		webadmittest.WithIdentities(webadmittest.Identity{ID: identityID, Association: "SOPHAS", Cycle: "2025 - 2026"}),
		webadmittest.WithExports(webadmittest.Export{ID: exportOK, IdentityID: identityID, Name: "Dump", Size: size,
			Timeline: webadmittest.Timeline{Initializing: 10 * time.Millisecond, Outcome: "Available"}}),
		// A slow store, so that the bar is drawn several times.
		webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Kind: webadmittest.FaultTrickle,
			Bytes: 128 << 10, Delay: 40 * time.Millisecond}))
	code, term, _ := runCLIOnTerminal(t, t.TempDir(), sandboxEnv(s), "run", "--identity", "7", "--export", "100", "-o", "dump.csv")
	if code != exitOK {
		t.Fatalf("exit %d:\n%q", code, term)
	}
	if !strings.Contains(term, "wrote 3.0 MiB") {
		t.Errorf("the summary lacks %q:\n%q", "wrote 3.0 MiB", term)
	}
	bar := regexp.MustCompile(`[0-9.]+/[0-9.]+ ?MiB`)
	if !bar.MatchString(term) {
		t.Errorf("no bar counting MiB reached the terminal:\n%q", term)
	}
	if si := regexp.MustCompile(`[0-9.] ?(kB|MB|GB)\b`).FindString(term); si != "" {
		t.Errorf("the bar counts in SI units (%q):\n%q", si, term)
	}
}
