package wrapper

import (
	"sync"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

// The steps a ProgressFunc hears about.
const (
	EventInitiated     EventKind = iota + 1 // a run or batch started (or was already running): ExportFileID or BatchID is known
	EventStatus                             // the status of the run or batch changed
	EventRetry                              // a transient failure; the call is retried after Delay
	EventDownloadStart                      // the download began; Total is the size, or -1
	EventBytes                              // bytes were written; Bytes is the running total
	EventResume                             // the download resumes at Bytes after Err
	EventDone                               // the file is complete and in place
	EventPoll                               // a status check answered; Delay is the wait before the next
)

var eventNames = [...]string{"unknown", "initiated", "status", "retry", "download-start", "bytes", "resume", "done", "poll"}

// String names the kind.
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return eventNames[0]
}

// Event is one step of a run (or of a PDF Manager or v2 batch), for
// progress display.
type Event struct {
	Kind         EventKind
	ExportID     int           // the export of a run; 0 for a batch
	ExportFileID int           // the run; 0 for a batch
	BatchID      int           // the PDF Manager batch or v2 batch; 0 for an export run
	ZipFileID    int           // the PDF Manager zip file being downloaded, if any
	ZipIndex     int           // its place among the batch's zip files, from 1
	ZipCount     int           // the number of zip files of the batch
	Status       Status        // latest known status
	Bytes        int64         // bytes received from the store so far
	Total        int64         // announced size of the file, -1 if unknown
	Attempt      int           // retry or resume number, from 1
	Delay        time.Duration // wait before the retry
	FileName     string        // safe file name from Content-Disposition, if any
	Err          error         // cause of a retry or resume (already redact.Redacted)
}

// ProgressFunc receives Events. It is called synchronously and must return
// quickly.
type ProgressFunc func(Event)

func (rc *runConfig) emit(e Event) {
	if rc.progress != nil {
		rc.progress(e)
	}
}

// serializeProgress makes the progress function take one Event at a time,
// for downloads that run concurrently.
func (rc *runConfig) serializeProgress() {
	if fn := rc.progress; fn != nil {
		var mu sync.Mutex
		rc.progress = func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			fn(e)
		}
	}
}
