package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
)

func TestParseStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     Status
		known    bool
		terminal bool
		hasFile  bool
	}{
		{"Initializing", StatusInitializing, true, false, false},
		{"initializing", StatusInitializing, true, false, false},
		{"Queued", StatusQueued, true, false, false},
		{"queued", StatusQueued, true, false, false},
		{"In Progress", StatusInProgress, true, false, false},
		{"in_progress", StatusInProgress, true, false, false},
		{"IN-PROGRESS", StatusInProgress, true, false, false},
		{"  in   progress ", StatusInProgress, true, false, false},
		{"Available", StatusAvailable, true, true, true},
		{"available", StatusAvailable, true, true, true},
		{"Success With Errors", StatusSuccessWithErrors, true, true, true},
		{"success_with_errors", StatusSuccessWithErrors, true, true, true},
		{"Empty List", StatusEmptyList, true, true, false},
		{"empty_list", StatusEmptyList, true, true, false},
		{"Failed", StatusFailed, true, true, false},
		{"failed", StatusFailed, true, true, false},
		{"Archived", Status("Archived"), false, false, false},
		{" Cancelled ", Status("Cancelled"), false, false, false},
		{"", Status(""), false, false, false},
	}
	for _, tt := range tests {
		got := ParseStatus(tt.in)
		if got != tt.want || got.Known() != tt.known || got.IsTerminal() != tt.terminal || got.HasFile() != tt.hasFile {
			t.Errorf("ParseStatus(%q) = %q known=%v terminal=%v file=%v; want %q %v %v %v",
				tt.in, got, got.Known(), got.IsTerminal(), got.HasFile(), tt.want, tt.known, tt.terminal, tt.hasFile)
		}
		if got.String() != string(tt.want) {
			t.Errorf("String() = %q", got.String())
		}
	}
}

// TestEveryGeneratedStatusIsKnown ties Status to the spec's enum: every
// spelling the generated code lists normalises to a known Status.
func TestEveryGeneratedStatusIsKnown(t *testing.T) {
	t.Parallel()
	for _, s := range []generated.ExportFileStatus{
		generated.ExportFileStatusInitializing, generated.ExportFileStatusInitializingSnake,
		generated.ExportFileStatusQueued, generated.ExportFileStatusQueuedSnake,
		generated.ExportFileStatusInProgress, generated.ExportFileStatusInProgressSnake,
		generated.ExportFileStatusAvailable, generated.ExportFileStatusAvailableSnake,
		generated.ExportFileStatusSuccessWithErrors, generated.ExportFileStatusSuccessWithErrorsSnake,
		generated.ExportFileStatusEmptyList, generated.ExportFileStatusEmptyListSnake,
		generated.ExportFileStatusFailed, generated.ExportFileStatusFailedSnake,
	} {
		if !s.Valid() || !StatusOf(s).Known() {
			t.Errorf("%q: Valid=%v Known=%v", s, s.Valid(), StatusOf(s).Known())
		}
	}
}

// TestUnknownStatusKeptLoggedOnceNotTerminal polls through an unknown
// status: it is reported as sent, logged once, and the wait goes on.
func TestUnknownStatusKeptLoggedOnceNotTerminal(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{statuses: []string{"Archived-XYZZY", "Archived-XYZZY", "Archived-XYZZY", "Failed"}}
	s := server(t, api)
	var lines []string
	c := newTestClient(t, s.URL, withClock(newFakeClock()))
	before := len(scannedLines())
	var statuses []Status
	run, err := c.ExportRun(7, 555).Wait(context.Background(), OnProgress(func(e Event) {
		if e.Kind == EventStatus {
			statuses = append(statuses, e.Status)
		}
	}))
	if !errors.Is(collect(err), ErrExportFailed) {
		t.Fatalf("err = %v, want ErrExportFailed", err)
	}
	if run.Status != StatusFailed || api.getCalls() != 4 {
		t.Fatalf("status %q after %d calls; want Failed after 4", run.Status, api.getCalls())
	}
	if len(statuses) != 2 || statuses[0] != "Archived-XYZZY" {
		t.Errorf("status events %q", statuses)
	}
	for _, l := range scannedLines()[before:] {
		if strings.Contains(l, "unknown export status") && strings.Contains(l, "Archived-XYZZY") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Errorf("unknown status logged %d times, want once", len(lines))
	}
}

// TestUnknownStatusesLoggedOnceAndBounded: each unknown status is logged
// once per kind of job, and a server inventing statuses cannot grow the
// client's memory of them without bound.
func TestUnknownStatusesLoggedOnceAndBounded(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	c, err := New("k", WithBaseURL("https://api.example.org"), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		for i := range 100 {
			c.warnUnknown("export", Status(fmt.Sprintf("Weird %d", i)))
		}
	}
	c.warnUnknown("export", StatusQueued) // known: never logged
	if n := strings.Count(logs.String(), "unknown export status"); n != 64 {
		t.Errorf("%d warnings, want 64 (one per status, capped)", n)
	}
	if c.unknownSeen.First("one more") {
		t.Error("remembered more than 64 statuses")
	}
}
