package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// ExportJob is one export of RunExports: the user identity and export to
// run, where its file goes, and options of its own (TranscodeToUTF8, say),
// applied after the call's.
type ExportJob struct {
	IdentityID, ExportID int
	Dst                  Destination
	Opts                 []RunOption
}

// ExportOutcome is what became of one ExportJob: the Result (nil if the
// run never started) and the error, as RunExport would return them.
type ExportOutcome struct {
	Result *Result
	Err    error
}

// StartExports starts a run of each export (identity and export id pairs)
// and returns their handles in order, nil where a start failed (err joins
// those errors). Their waits share one status list per user identity, the
// API's "check status in batch" call: however many runs, the status calls
// are those of one, plus one per run for its download URL.
func (c *Client) StartExports(ctx context.Context, exports [][2]int, opts ...RunOption) ([]*ExportRun, error) {
	jobs := make([]ExportJob, len(exports))
	for i, e := range exports {
		jobs[i] = ExportJob{IdentityID: e[0], ExportID: e[1]}
	}
	rcs, err := c.jobConfigs(jobs, opts)
	if err != nil {
		return nil, c.fail("start exports", err)
	}
	runs, errs := c.startExports(ctx, jobs, rcs)
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("export %d of user identity %d: %w", jobs[i].ExportID, jobs[i].IdentityID, err)
		}
	}
	return runs, c.fail("start exports", errors.Join(errs...))
}

// RunExports runs many exports at once, each as RunExport would, within
// one wait budget: every run is started, their waits share one status list
// per user identity (see StartExports), and each file is downloaded as soon
// as its run has one, ParallelDownloads at a time. It returns one outcome
// per job, in order: a failing export does not stop the others. OnProgress
// is called from one goroutine at a time; Event.ExportID tells runs apart.
func (c *Client) RunExports(ctx context.Context, jobs []ExportJob, opts ...RunOption) []ExportOutcome {
	out, jobs := make([]ExportOutcome, len(jobs)), slices.Clone(jobs)
	rcs, err := c.jobConfigs(jobs, opts)
	if err != nil {
		for i := range out {
			out[i].Err = c.fail("run exports", err)
		}
		return out
	}
	var into *dest.Placement
	var each Destination
	if d := rcs[0].into; d != nil {
		pl, e, err := prepareBatch(d)
		if err != nil {
			for i := range out {
				out[i].Err = c.fail("run exports", err)
			}
			return out
		}
		into, each = pl, e
		defer func() { // keep what was delivered; a directory made for nothing goes
			if slices.ContainsFunc(out, func(o ExportOutcome) bool { return o.Err == nil }) {
				pl.Commit()
			} else {
				pl.Rollback()
			}
		}()
	}
	opens := make([]*opener, len(jobs))
	for i, j := range jobs { // every destination is checked before any run starts
		var err error
		if opens[i], err = checkedOpener(j.Dst, into, each); err != nil {
			out[i].Err = c.fail("run export", fmt.Errorf("export %d of user identity %d: %w", j.ExportID, j.IdentityID, err))
			jobs[i].IdentityID = -1 // not started
		}
	}
	runs, errs := c.startExports(ctx, jobs, rcs)
	slots := make(chan struct{}, rcs[0].parallel)
	var wg sync.WaitGroup
	for i, r := range runs {
		switch {
		case opens[i] == nil:
			continue
		case r == nil:
			opens[i].abort()
			out[i] = ExportOutcome{&Result{ExportID: jobs[i].ExportID}, c.fail("run export", errs[i])}
			continue
		}
		wg.Go(func() {
			res, err := func() (*Result, error) {
				if _, err := r.wait(ctx, rcs[i]); err != nil {
					opens[i].abort()
					return r.result(rcs[i]), err
				}
				slots <- struct{}{}
				defer func() { <-slots }()
				sink, err := opens[i].open()
				if err != nil {
					return r.result(rcs[i]), err
				}
				return r.download(ctx, sink, rcs[i])
			}()
			out[i] = ExportOutcome{res, c.fail("run export", err)}
		})
	}
	wg.Wait()
	return out
}

// opener opens a job's destination when its download begins; abort
// releases it when the download never does.
type opener struct {
	sink dest.Sink                 // opened at the check, kept
	file func() (dest.Sink, error) // or opened only now
}

func (o *opener) open() (dest.Sink, error) {
	if o.file != nil {
		return o.file()
	}
	return o.sink, nil
}

func (o *opener) abort() {
	if o.sink != nil {
		o.sink.Abort()
	}
}

// checkedOpener checks a job's destination (dst, or the shared placement
// into with each when dst is nil). A file destination is opened for the
// check and closed again, to be opened for good when its download begins:
// a temporary file (a descriptor, a lock) per job held through every wait
// would run a process with many exports out of descriptors. Other
// destinations are opened now and kept.
func checkedOpener(dst Destination, into *dest.Placement, each Destination) (*opener, error) {
	var pl *dest.Placement
	if dst == nil && into != nil {
		dst, pl = each, into
	}
	if dst == nil {
		return nil, errNilDestination
	}
	s, err := dst.open(pl)
	if err != nil {
		return nil, err
	}
	if _, ok := dst.(fileDest); !ok {
		return &opener{sink: s}, nil
	}
	s.Abort()
	return &opener{file: func() (dest.Sink, error) { return dst.open(pl) }}, nil
}

// jobConfigs makes each job's configuration: the call's options, then the
// job's, with the call's one budget and one progress function, called
// from one goroutine at a time.
func (c *Client) jobConfigs(jobs []ExportJob, opts []RunOption) ([]*runConfig, error) {
	first, err := c.runConfig(opts)
	if err != nil || len(jobs) == 0 {
		return []*runConfig{first}, err
	}
	var mu sync.Mutex
	rcs := make([]*runConfig, len(jobs))
	for i, j := range jobs {
		if rcs[i], err = c.runConfig(append(slices.Clip(opts), j.Opts...)); err != nil {
			return nil, fmt.Errorf("export %d of user identity %d: %w", j.ExportID, j.IdentityID, err)
		}
		rcs[i].budget, rcs[i].start = first.budget, first.start
		if p := rcs[i].progress; p != nil {
			rcs[i].progress = func(e Event) {
				mu.Lock()
				defer mu.Unlock()
				p(e)
			}
		}
	}
	return rcs, nil
}

// startExports starts the runs of the jobs (an IdentityID of -1: none), a
// few at a time; the runs share the client's status lists.
func (c *Client) startExports(ctx context.Context, jobs []ExportJob, rcs []*runConfig) ([]*ExportRun, []error) {
	runs, errs := make([]*ExportRun, len(jobs)), make([]error, len(jobs))
	slots := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, j := range jobs {
		if j.IdentityID == -1 {
			continue
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			r, err := c.startExport(ctx, j.IdentityID, j.ExportID, rcs[i])
			if err != nil {
				errs[i] = err
				return
			}
			r.share(j.IdentityID)
			runs[i] = r
		})
	}
	wg.Wait()
	return runs, errs
}

// share makes the run's waits read the status list of its user identity,
// asking for the run itself only once the list shows it ended, or when the
// list does not show it.
func (r *ExportRun) share(identityID int) {
	r.shared = func(wake chan<- struct{}) (func() (Status, bool), func()) {
		status, stop := r.c.board.Watch(identityID, r.ID(), wake)
		return func() (Status, bool) {
			switch raw, l := status(); l {
			case wait.Listed:
				return ParseStatus(raw), true
			case wait.Pending: // no list yet: what the start said
				f, ok := r.t.Snapshot()
				return f.Status, ok
			}
			return "", false
		}, stop
	}
}

// listRuns is the status list of a user identity's recent runs.
func (c *Client) listRuns(ctx context.Context, identityID int) (map[int]string, error) {
	resp, err := c.raw.ListUserIdentityExportFiles(ctx, identityID)
	if err != nil {
		return nil, err
	}
	l, err := decodeAnswer(c, resp, http.StatusOK, func(l *generated.ExportFileList) bool { return l.ExportFiles != nil })
	if err != nil {
		return nil, err
	}
	runs := make(map[int]string, len(*l.ExportFiles))
	for _, f := range *l.ExportFiles {
		runs[f.Id] = string(f.Status)
	}
	return runs, nil
}
