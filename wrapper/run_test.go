package wrapper

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunExportOutcomes(t *testing.T) {
	t.Parallel()
	content := pattern(10_000)
	tests := []struct {
		statuses []string
		wantErr  error
		swe      bool
	}{
		{statuses: []string{"Initializing", "Queued", "In Progress", "Available"}},
		{statuses: []string{"initializing", "queued", "in_progress", "available"}},
		{statuses: []string{"Queued", "Success With Errors"}, swe: true},
		{statuses: []string{"queued", "success_with_errors"}, swe: true},
		{statuses: []string{"Queued", "Empty List"}, wantErr: ErrEmptyList},
		{statuses: []string{"queued", "empty_list"}, wantErr: ErrEmptyList},
		{statuses: []string{"In Progress", "Failed"}, wantErr: ErrExportFailed},
		{statuses: []string{"in_progress", "failed"}, wantErr: ErrExportFailed},
	}
	for _, tt := range tests {
		name := tt.statuses[len(tt.statuses)-1]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(content)
			st := server(t, store)
			api := &fakeAPI{statuses: tt.statuses, storeURL: func() string { return presigned(st.URL) }}
			c := newTestClient(t, server(t, api).URL)
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			var kinds []EventKind
			var statuses []Status
			var lastBytes int64
			res, err := c.RunExport(context.Background(), 42, 7, ToFile(path, FileOptions{}), OnProgress(func(e Event) {
				if e.Kind == EventBytes {
					if e.Bytes < lastBytes || e.Total != int64(len(content)) {
						t.Errorf("bytes event %d/%d after %d", e.Bytes, e.Total, lastBytes)
					}
					lastBytes = e.Bytes
					return
				}
				kinds = append(kinds, e.Kind)
				if e.Kind == EventStatus {
					statuses = append(statuses, e.Status)
				}
			}))
			collect(err)
			if res == nil || res.ExportFileID != 555 || res.ExportID != 7 || res.StatusCalls != len(tt.statuses) {
				t.Fatalf("Result = %+v", res)
			}
			// The initiate answer (Initializing) is the first status; then
			// every change the status calls saw.
			want := []Status{StatusInitializing}
			for _, s := range tt.statuses {
				if st := ParseStatus(s); st != want[len(want)-1] {
					want = append(want, st)
				}
			}
			if !slices.Equal(statuses, want) {
				t.Errorf("status events %q, want %q", statuses, want)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var je *JobError
				if !errors.As(err, &je) || je.Job != "export 7 run 555" {
					t.Errorf("err %T does not name the run", err)
				}
				if names := dirEntries(t, dir); len(names) != 0 {
					t.Errorf("left behind %v", names)
				}
				if n, _, _, _ := store.stats(); n != 0 {
					t.Errorf("%d store requests for a run without a file", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.SuccessWithErrors != tt.swe || res.SHA256 != sha(content) || string(readFile(t, path)) != string(content) {
				t.Errorf("SWE %v SHA %s", res.SuccessWithErrors, res.SHA256)
			}
			if kinds[0] != EventInitiated || kinds[len(kinds)-1] != EventDone || !slices.Contains(kinds, EventDownloadStart) {
				t.Errorf("events %v", kinds)
			}
			if lastBytes != int64(len(content)) {
				t.Errorf("last bytes event %d", lastBytes)
			}
		})
	}
}

func TestRunExportChecksDestinationFirst(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{statuses: []string{"Available"}}
	c := newTestClient(t, server(t, api).URL)
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := c.RunExport(context.Background(), 42, 7, ToFile(path, FileOptions{}))
	if !errors.Is(collect(err), fs.ErrExist) || res != nil {
		t.Fatalf("RunExport = %v, %v; want fs.ErrExist", res, err)
	}
	if api.initiated() != 0 {
		t.Errorf("the run was started (%d) although the file exists", api.initiated())
	}
}

func TestAttachWaitsThenDownloads(t *testing.T) {
	t.Parallel()
	content := pattern(1234)
	store := newFakeStore(content)
	st := server(t, store)
	api := &fakeAPI{statuses: []string{"Queued", "In Progress", "Available"}, storeURL: func() string { return presigned(st.URL) }}
	c := newTestClient(t, server(t, api).URL, withClock(newFakeClock()))
	var buf fsBuffer
	res, err := attach(c, context.Background(), 7, 555, ToWriter(&buf))
	if err != nil {
		t.Fatal(collect(err))
	}
	if string(buf.b) != string(content) || res.StatusCalls != 3 || api.initiated() != 0 {
		t.Errorf("got %d bytes, %d status calls, %d initiates", len(buf.b), res.StatusCalls, api.initiated())
	}
}

type fsBuffer struct{ b []byte }

func (f *fsBuffer) Write(p []byte) (int, error) { f.b = append(f.b, p...); return len(p), nil }

// TestRunExportFirstCheckAfterTheFirstDelay: the initiate answer already
// says the run is going, so RunExport's first status call waits for the
// first delay; an initiate answer that is terminal is checked at once (its
// URL comes only with a status call).
func TestRunExportFirstCheckAfterTheFirstDelay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		initial   string
		wantFirst time.Duration // clock time of the first status call
		wantCalls int
	}{
		{initial: "Initializing", wantFirst: 2 * time.Second, wantCalls: 2},
		{initial: "in_progress", wantFirst: 2 * time.Second, wantCalls: 2},
		{initial: "Available", wantFirst: 0, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.initial, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			start := clock.Now()
			st := server(t, newFakeStore(pattern(100)))
			var first atomic.Int64 // offset of the first status call from start
			statuses := []string{"In Progress", "Available"}
			if ParseStatus(tt.initial).IsTerminal() {
				statuses = []string{"Available"}
			}
			api := &fakeAPI{initial: tt.initial, statuses: statuses, storeURL: func() string { return presigned(st.URL) },
				onGet: func(_ http.ResponseWriter, call int) bool {
					if call == 1 {
						first.Store(int64(clock.Now().Sub(start)))
					}
					return false
				}}
			c := newTestClient(t, server(t, api).URL, withClock(clock),
				WithPollPolicy(PollPolicy{MinDelay: 2 * time.Second, MaxDelay: 30 * time.Second, Multiplier: 1.5}))
			res, err := c.RunExport(context.Background(), 42, 7, ToWriter(io.Discard))
			if err != nil {
				t.Fatal(collect(err))
			}
			if got := time.Duration(first.Load()); got != tt.wantFirst {
				t.Errorf("first status call at +%s, want +%s", got, tt.wantFirst)
			}
			if res.StatusCalls != tt.wantCalls || api.getCalls() != tt.wantCalls {
				t.Errorf("%d status calls (Result says %d), want %d", api.getCalls(), res.StatusCalls, tt.wantCalls)
			}
		})
	}
}
