package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/webadmit-go/webadmit/wrapper"
)

// manyProgress renders the runs of a multi-export run on stderr: on a
// terminal one line per run (its status, then its bytes), updated in
// place; otherwise a plain line per status change and per file; nothing
// when quiet. Events come from one goroutine at a time.
type manyProgress struct {
	w     io.Writer
	quiet bool
	start time.Time
	p     *mpb.Progress // nil unless on a terminal
	runs  map[int]*runLine
}

// runLine is what one run's line shows.
type runLine struct {
	mu     sync.Mutex
	export int
	run    int
	status string
	bytes  int64
	total  int64
	bar    *mpb.Bar
}

// text is the line's label: the export, its run and its status.
func (l *runLine) text(decor.Statistics) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	run := "run ?"
	if l.run != 0 {
		run = fmt.Sprintf("run %d", l.run)
	}
	return termSafe(fmt.Sprintf("export %d %s: %s", l.export, run, l.status))
}

// counts is the line's byte counts, once the download has begun.
func (l *runLine) counts(decor.Statistics) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.total > 0:
		return humanBytes(l.bytes) + " / " + humanBytes(l.total)
	case l.bytes > 0:
		return humanBytes(l.bytes)
	}
	return ""
}

// newManyProgress makes the display of the exports, in their order.
func (a *app) newManyProgress(exports []int) *manyProgress {
	m := &manyProgress{w: a.stderr, quiet: a.g.quiet, start: time.Now(), runs: make(map[int]*runLine)}
	tty := false
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w, h, err := term.GetSize(int(f.Fd()))
		tty = err == nil && w > 0 && h > len(exports) // else the lines could not be redrawn: plain lines
	}
	if tty && !m.quiet {
		m.p = mpb.New(mpb.WithOutput(a.stderr), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	}
	for _, e := range exports {
		l := &runLine{export: e, status: "starting"}
		if m.p != nil {
			l.bar = m.p.AddBar(0, mpb.PrependDecorators(decor.Any(l.text, decor.WCSyncSpaceR)),
				mpb.AppendDecorators(decor.Any(l.counts)))
		}
		m.runs[e] = l
	}
	return m
}

// handle is the wrapper.ProgressFunc of the runs.
func (m *manyProgress) handle(e wrapper.Event) {
	l := m.runs[e.ExportID]
	if m.quiet || l == nil {
		return
	}
	l.mu.Lock()
	var say string
	switch e.Kind {
	case wrapper.EventInitiated:
		l.run, l.status = e.ExportFileID, e.Status.String()
		say = fmt.Sprintf("started (status %s)", l.status)
	case wrapper.EventStatus:
		if e.Status.String() != l.status {
			l.status = e.Status.String()
			say = "status " + l.status
		}
	case wrapper.EventDownloadStart:
		l.status, l.total = "downloading", e.Total
		say = "downloading " + sizeText(e.Total)
	case wrapper.EventBytes:
		l.bytes = e.Bytes
	case wrapper.EventResume:
		say = fmt.Sprintf("resuming at %s", humanBytes(e.Bytes))
	case wrapper.EventDone:
		l.status, l.bytes = "done", e.Bytes
		say = "done: " + humanBytes(e.Bytes)
	}
	bar, bytes, total := l.bar, l.bytes, l.total
	l.mu.Unlock()
	switch {
	case bar != nil && e.Kind == wrapper.EventDone:
		bar.SetTotal(max(bytes, 1), true)
	case bar != nil && total > 0:
		bar.SetTotal(total, false)
		bar.SetCurrent(bytes)
	case bar == nil && say != "":
		fmt.Fprintln(m.w, termSafe(fmt.Sprintf("webadmit: [%s] export %d: %s", time.Since(m.start).Round(time.Second), e.ExportID, say)))
	}
}

// finish ends every line: failed runs keep theirs with why, and the
// display is flushed before anything else is printed.
func (m *manyProgress) finish(outcomes []wrapper.ExportOutcome, exports []int) {
	if m.p == nil {
		return
	}
	for i, e := range exports {
		l := m.runs[e]
		if outcomes[i].Err != nil {
			l.mu.Lock()
			l.status = "failed"
			l.mu.Unlock()
		}
		if !l.bar.Completed() {
			l.bar.Abort(false)
		}
	}
	m.p.Wait()
}
