package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// manyExports makes n exports of identity 42 (ids 1000…), the i-th
// finishing after about d(i); their files differ.
func manyExports(n int, d func(i int) time.Duration, first int) []webadmittest.Export {
	out := make([]webadmittest.Export, n)
	for i := range out {
		out[i] = webadmittest.Export{ID: first + i, IdentityID: 42, Name: fmt.Sprintf("Export %d", first+i),
			Content:  []byte(fmt.Sprintf("cas_id\n%d\n", first+i)),
			Timeline: webadmittest.Timeline{Queued: d(i) / 2, InProgress: d(i) / 2}}
	}
	return out
}

// TestRunExportsSharesOneStatusList: twenty exports cost about the status
// calls of one, plus one per run for its URL, and every file arrives whole.
func TestRunExportsSharesOneStatusList(t *testing.T) {
	t.Parallel()
	exports := manyExports(20, func(i int) time.Duration { return time.Duration(50+20*i) * time.Millisecond }, 1000)
	srv := sandbox(t, webadmittest.WithExports(exports...))
	c := sandboxClient(t, srv, WithPollPolicy(PollPolicy{MinDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, MaxWait: 30 * time.Second, Multiplier: 1.5}))
	dir := t.TempDir()
	jobs := make([]ExportJob, len(exports))
	for i, e := range exports {
		jobs[i] = ExportJob{IdentityID: 42, ExportID: e.ID, Dst: ToFile(filepath.Join(dir, fmt.Sprintf("%d.csv", e.ID)), FileOptions{})}
	}
	events := 0
	out := c.RunExports(context.Background(), jobs, OnProgress(func(Event) { events++ })) // a data race here fails -race
	for i, o := range out {
		if o.Err != nil {
			t.Fatalf("export %d: %v", exports[i].ID, o.Err)
		}
		if got := readFile(t, o.Result.Paths[0]); !bytes.Equal(got, exports[i].Content) {
			t.Errorf("export %d: file %q", exports[i].ID, got)
		}
	}
	rec := srv.Recorder()
	status, lists := rec.Calls(webadmittest.EndpointGetExportFile), rec.Calls(webadmittest.EndpointListUserIdentityExportFiles)
	t.Logf("%d exports: %d status calls, %d list calls, %d events", len(exports), status, lists, events)
	if status > len(exports)+2 {
		t.Errorf("%d status calls for %d runs: the runs polled on their own", status, len(exports))
	}
	if lists == 0 || lists > 40 {
		t.Errorf("%d list calls", lists)
	}
}

// TestRunExportsOutcomes: a failing export, an empty one and an unknown
// identity among good exports: the good ones are delivered, each bad one
// has the error RunExport would give, and nothing partial is left.
func TestRunExportsOutcomes(t *testing.T) {
	t.Parallel()
	good := manyExports(3, func(int) time.Duration { return 60 * time.Millisecond }, 2000)
	bad := []webadmittest.Export{
		{ID: 2100, IdentityID: 42, Name: "Failing", Timeline: webadmittest.Timeline{InProgress: 50 * time.Millisecond, Outcome: generated.ExportFileStatusFailed}},
		{ID: 2101, IdentityID: 42, Name: "Empty", Timeline: webadmittest.Timeline{InProgress: 50 * time.Millisecond, Outcome: generated.ExportFileStatusEmptyList}},
	}
	srv := sandbox(t, webadmittest.WithExports(append(good, bad...)...),
		webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointListUserIdentityExportFiles, Attempt: 1, Kind: webadmittest.FaultRateLimited}))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	to := func(id int) Destination { return ToFile(filepath.Join(dir, fmt.Sprintf("%d.csv", id)), FileOptions{}) }
	jobs := []ExportJob{
		{IdentityID: 42, ExportID: 2000, Dst: to(2000)},
		{IdentityID: 42, ExportID: 2100, Dst: to(2100)},
		{IdentityID: 999, ExportID: 2001, Dst: to(9991)},
		{IdentityID: 42, ExportID: 2001, Dst: to(2001), Opts: []RunOption{TranscodeToUTF8()}},
		{IdentityID: 42, ExportID: 2101, Dst: to(2101)},
		{IdentityID: 42, ExportID: 2002, Dst: nil},
		{IdentityID: 42, ExportID: 2002, Dst: to(2002)},
	}
	out := c.RunExports(context.Background(), jobs)
	want := []error{nil, ErrExportFailed, ErrNotFound, nil, ErrEmptyList, errNilDestination, nil}
	for i, o := range out {
		switch {
		case want[i] == nil && o.Err != nil:
			t.Errorf("job %d: %v", i, o.Err)
		case want[i] != nil && !errors.Is(o.Err, want[i]) && (want[i] != errNilDestination || o.Err == nil):
			t.Errorf("job %d: err = %v, want %v", i, o.Err, want[i])
		}
	}
	if !errors.Is(out[2].Err, ErrNotFound) || out[2].Result == nil || out[2].Result.ExportID != 2001 {
		t.Errorf("the unknown identity's outcome: %+v", out[2])
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if fmt.Sprint(names) != "[2000.csv 2001.csv 2002.csv]" {
		t.Errorf("files %v, want only the delivered ones", names)
	}
}

// TestRunExportsMissingFromTheList: a run the identity's list does not show
// (the list has the 100 latest) is polled on its own and still delivered.
func TestRunExportsMissingFromTheList(t *testing.T) {
	t.Parallel()
	exports := manyExports(105, func(int) time.Duration { return 100 * time.Millisecond }, 3000)
	srv := sandbox(t, webadmittest.WithExports(exports...))
	c := sandboxClient(t, srv)
	jobs := make([]ExportJob, len(exports))
	var bufs [105]bytes.Buffer
	for i, e := range exports {
		jobs[i] = ExportJob{IdentityID: 42, ExportID: e.ID, Dst: ToWriter(&bufs[i])}
	}
	for i, o := range c.RunExports(context.Background(), jobs, ParallelDownloads(8)) {
		if o.Err != nil || !bytes.Equal(bufs[i].Bytes(), exports[i].Content) {
			t.Errorf("export %d: %v, %q", exports[i].ID, o.Err, bufs[i].Bytes())
		}
	}
}

// TestRunExportsCancelled: cancelling the call leaves no file and no
// temporary file behind.
func TestRunExportsCancelled(t *testing.T) {
	t.Parallel()
	exports := manyExports(5, func(int) time.Duration { return time.Hour }, 4000)
	srv := sandbox(t, webadmittest.WithExports(exports...))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	jobs := make([]ExportJob, len(exports))
	for i, e := range exports {
		jobs[i] = ExportJob{IdentityID: 42, ExportID: e.ID, Dst: ToFile(dir+string(os.PathSeparator), FileOptions{})}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	for i, o := range c.RunExports(ctx, jobs) {
		if !errors.Is(o.Err, context.DeadlineExceeded) {
			t.Errorf("export %d: %v, want the context's end", exports[i].ID, o.Err)
		}
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("left behind: %v", names)
	}
}

// TestStartExportsHandles: the handle style: StartExports, then each run
// waited on and downloaded by itself, sharing the list.
func TestStartExportsHandles(t *testing.T) {
	t.Parallel()
	exports := manyExports(4, func(i int) time.Duration { return time.Duration(40*(i+1)) * time.Millisecond }, 5000)
	srv := sandbox(t, webadmittest.WithExports(exports...))
	c := sandboxClient(t, srv)
	ctx := context.Background()
	runs, err := c.StartExports(ctx, [][2]int{{42, 5000}, {42, 5001}, {999, 5002}, {42, 5003}})
	if !errors.Is(err, ErrNotFound) || runs[2] != nil {
		t.Fatalf("err = %v, runs[2] = %v: want the unknown identity's error and no handle", err, runs[2])
	}
	for i, r := range runs {
		if r == nil {
			continue
		}
		if _, err := r.Wait(ctx); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		var b bytes.Buffer
		if _, err := r.Download(ctx, ToWriter(&b)); err != nil || !bytes.Equal(b.Bytes(), exports[i].Content) {
			t.Errorf("run %d: %v %q", i, err, b.Bytes())
		}
	}
}

// TestRunExportsIntoOneDirectory: two exports whose server file names
// collide both arrive, the later numbered; a file already there is not
// replaced (its export fails) unless UniqueName numbers it too.
func TestRunExportsIntoOneDirectory(t *testing.T) {
	t.Parallel()
	same := func(id int) webadmittest.Export {
		return webadmittest.Export{ID: id, IdentityID: 42, Name: "Same", FileName: "same.csv", Content: []byte(fmt.Sprint(id))}
	}
	srv := sandbox(t, webadmittest.WithExports(same(6000), same(6001), webadmittest.Export{ID: 6002, IdentityID: 42, Name: "Other", FileName: "taken.csv", Content: []byte("new")}))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "taken.csv"), []byte("the user's"), 0o600); err != nil {
		t.Fatal(err)
	}
	jobs := []ExportJob{{IdentityID: 42, ExportID: 6000}, {IdentityID: 42, ExportID: 6001}, {IdentityID: 42, ExportID: 6002}}
	out := c.RunExports(context.Background(), jobs, ExportsInto(ZipFilesToDir(dir, FileOptions{})))
	if out[0].Err != nil || out[1].Err != nil || !errors.Is(out[2].Err, os.ErrExist) {
		t.Fatalf("outcomes %v %v %v", out[0].Err, out[1].Err, out[2].Err)
	}
	if got := fmt.Sprint(dirEntries(t, dir)); got != "[same-2.csv same.csv taken.csv]" {
		t.Errorf("files %s", got)
	}
	if string(readFile(t, filepath.Join(dir, "taken.csv"))) != "the user's" {
		t.Error("the user's file was replaced")
	}
	out = c.RunExports(context.Background(), jobs[2:], ExportsInto(ZipFilesToDir(dir, FileOptions{UniqueName: true})))
	if out[0].Err != nil || filepath.Base(out[0].Result.Paths[0]) != "taken-2.csv" {
		t.Errorf("with UniqueName: %+v", out[0])
	}
}

// TestRunExportsHoldNoFileWhileWaiting: a file destination is checked
// before the runs start but opened only when its download begins: runs that
// wait hold no temporary file (no descriptor), so that hundreds of exports
// at once cannot run a process out of descriptors.
func TestRunExportsHoldNoFileWhileWaiting(t *testing.T) {
	t.Parallel()
	exports := manyExports(5, func(int) time.Duration { return time.Hour }, 4100)
	srv := sandbox(t, webadmittest.WithExports(exports...))
	c := sandboxClient(t, srv)
	dir := t.TempDir()
	jobs := make([]ExportJob, len(exports))
	for i, e := range exports {
		jobs[i] = ExportJob{IdentityID: 42, ExportID: e.ID, Dst: ToFile(filepath.Join(dir, fmt.Sprintf("%d.csv", e.ID)), FileOptions{})}
	}
	jobs = append(jobs, ExportJob{IdentityID: 42, ExportID: exports[0].ID, Dst: ToFile(filepath.Join(dir, "missing", "x.csv"), FileOptions{})})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []string
	out := c.RunExports(ctx, jobs, OnProgress(func(e Event) {
		if seen == nil { // the runs have started and wait
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Error(err)
			}
			seen = []string{}
			for _, e := range entries {
				seen = append(seen, e.Name())
			}
			cancel()
		}
	}))
	if len(seen) != 0 {
		t.Errorf("while the runs waited, the directory held %v", seen)
	}
	if err := out[len(out)-1].Err; !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file in a missing directory: %v, want it refused before the runs start", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("left behind: %v", names)
	}
}
