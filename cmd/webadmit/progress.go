package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/webadmit-go/webadmit/wrapper"
)

// progress renders a run's events on stderr: status changes while waiting
// and a byte bar while downloading on a terminal, plain lines otherwise, and
// nothing when quiet. Data never goes to stderr, progress never to stdout.
type progress struct {
	w     io.Writer
	tty   bool
	quiet bool
	start time.Time
	now   func() time.Time

	// batch names the kind of batch in messages; "" for a PDF Manager
	// batch.
	batch string

	mu         sync.Mutex
	bar        *progressbar.ProgressBar
	lastLine   time.Time
	statusLine bool // a status line without newline is showing (terminal only)
}

func (a *app) newProgress() *progress {
	tty := false
	if f, ok := a.stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: a.stderr, tty: tty, quiet: a.g.quiet, start: time.Now(), now: time.Now}
}

// plainEvery bounds how often plain (non-terminal) output reports bytes.
const plainEvery = 5 * time.Second

// handle is the wrapper.ProgressFunc.
func (p *progress) handle(e wrapper.Event) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := p.now().Sub(p.start).Round(time.Second)
	switch e.Kind {
	case wrapper.EventInitiated:
		if e.ExportFileID == 0 && e.BatchID != 0 && p.batch != "" {
			p.linef("%s %d started (status %s)", p.batch, e.BatchID, e.Status)
			break
		}
		if e.ExportFileID == 0 && e.BatchID != 0 {
			p.linef("PDF Manager batch %d started (state %s)", e.BatchID, e.Status)
			break
		}
		p.linef("run %d of export %d started (status %s)", e.ExportFileID, e.ExportID, e.Status)
	case wrapper.EventStatus:
		p.linef("[%s] status %s", elapsed, e.Status)
	case wrapper.EventPoll:
		if p.tty && p.bar == nil {
			// One line, rewritten in place at each check.
			fmt.Fprint(p.w, "\r\033[K"+termSafe(fmt.Sprintf("webadmit: [%s] waiting (%s); next check in %s", elapsed, e.Status, e.Delay.Round(100*time.Millisecond))))
			p.statusLine = true
		}
	case wrapper.EventRetry:
		p.linef("[%s] temporary failure (%s); retry %d in %s", elapsed, plainError(e.Err), e.Attempt, e.Delay.Round(100*time.Millisecond))
	case wrapper.EventDownloadStart:
		if p.statusLine {
			fmt.Fprint(p.w, "\r\033[K")
			p.statusLine = false
		}
		desc := "downloading"
		if e.ZipCount > 0 {
			desc = fmt.Sprintf("zip file %d of %d", e.ZipIndex, e.ZipCount)
		}
		if p.tty {
			p.bar = progressbar.NewOptions64(e.Total,
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(desc),
				progressbar.OptionShowBytes(true),
				progressbar.OptionUseIECUnits(true), // KiB, MiB: the units of humanBytes
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
			_ = p.bar.Set64(e.Bytes)
		} else if e.ZipCount > 0 {
			p.linef("[%s] downloading zip file %d of %d (%s)", elapsed, e.ZipIndex, e.ZipCount, sizeText(e.Total))
		} else {
			p.linef("[%s] downloading %s", elapsed, sizeText(e.Total))
		}
	case wrapper.EventBytes:
		if p.bar != nil {
			_ = p.bar.Set64(e.Bytes)
		} else if !p.tty && p.now().Sub(p.lastLine) >= plainEvery {
			p.linef("[%s] %s of %s", elapsed, humanBytes(e.Bytes), sizeText(e.Total))
		}
	case wrapper.EventResume:
		p.linef("[%s] download interrupted (%s); resuming at byte %d", elapsed, plainError(e.Err), e.Bytes)
	case wrapper.EventDone:
		if p.bar != nil {
			_ = p.bar.Finish()
			p.bar = nil
		}
		if e.ZipCount > 0 {
			p.linef("[%s] zip file %d of %d done: %s", elapsed, e.ZipIndex, e.ZipCount, humanBytes(e.Bytes))
			break
		}
		p.linef("[%s] done: %s", elapsed, humanBytes(e.Bytes))
	}
}

// linef prints one line, above the bar when one is showing, made safe for
// the terminal (statuses and errors come from the server).
func (p *progress) linef(format string, args ...any) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	if p.statusLine {
		fmt.Fprint(p.w, "\r\033[K")
		p.statusLine = false
	}
	fmt.Fprintln(p.w, termSafe(fmt.Sprintf("webadmit: "+format, args...)))
	p.lastLine = p.now()
	if p.bar != nil {
		_ = p.bar.RenderBlank()
	}
}

func sizeText(total int64) string {
	if total < 0 {
		return "unknown size"
	}
	return humanBytes(total)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
