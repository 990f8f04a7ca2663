package wrapper

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// RunOption configures one call that starts, waits for or downloads a job
// (StartExport, Wait, Download, RunExport and their PDF and v2 batch
// counterparts). Options a call has no use for are ignored.
type RunOption func(*runConfig)

type runConfig struct {
	poll        PollPolicy
	budget      *wait.Budget // PollPolicy.MaxWait from the start of the call
	start       time.Time    // the start of the call, for Elapsed
	progress    ProgressFunc
	callbackURL string
	utf8        bool
	attempts    int
	connections int
	lowSpeed    transfer.LowSpeed
	maxWait     time.Duration    // MaxWait's, whatever the order of the options
	parallel    int              // downloads at once (RunExports)
	into        BatchDestination // RunExports' files without a Dst
	err         error
}

// defaultDownloadAttempts bounds the requests of one download, the first
// included: each retry after an expired URL or a cut fetches a fresh URL.
const defaultDownloadAttempts = 6

// The default low-speed limit: a download attempt that receives less than
// 1 KiB a second for a minute is stalled; the next attempt resumes it.
const (
	defaultLowSpeedLimit = 1 << 10
	defaultLowSpeedTime  = time.Minute
)

func (c *Client) runConfig(opts []RunOption) (*runConfig, error) {
	rc := &runConfig{poll: c.poll, attempts: defaultDownloadAttempts, parallel: 4, connections: DefaultConnections,
		lowSpeed: transfer.LowSpeed{BytesPerSec: defaultLowSpeedLimit, Over: defaultLowSpeedTime}}
	for _, o := range opts {
		o(rc)
	}
	if rc.err != nil {
		return nil, rc.err
	}
	if rc.maxWait > 0 {
		rc.poll.MaxWait = rc.maxWait
	}
	if err := rc.poll.validate(); err != nil {
		return nil, err
	}
	rc.budget, rc.start = wait.NewBudget(c.clock, rc.poll.MaxWait), c.clock.Now()
	return rc, nil
}

// call runs a public call: its options, f, and its error leaves with the
// package's prefix, secrets removed.
func call[T any](c *Client, op string, opts []RunOption, f func(*runConfig) (T, error)) (T, error) {
	rc, err := c.runConfig(opts)
	if err != nil {
		var zero T
		return zero, c.fail(op, err)
	}
	v, err := f(rc)
	return v, c.fail(op, err)
}

// UsePollPolicy replaces the client's poll policy for this call: zero
// durations and multiplier keep the client's, Jitter is used as given.
func UsePollPolicy(p PollPolicy) RunOption {
	return func(rc *runConfig) { rc.poll = p.withDefaultsFrom(rc.poll) }
}

// MaxWait replaces the wait budget (PollPolicy.MaxWait) of this call,
// before or after UsePollPolicy.
func MaxWait(d time.Duration) RunOption {
	return func(rc *runConfig) {
		if d <= 0 {
			rc.err = errors.New("MaxWait must be positive")
			return
		}
		rc.maxWait = d
	}
}

// OnProgress calls fn, synchronously, on every step of the call: status
// changes, retries, download start, bytes written, resumes. fn must return
// quickly.
func OnProgress(fn ProgressFunc) RunOption {
	return func(rc *runConfig) { rc.progress = fn }
}

// CallbackURL asks WebAdMIT to POST to u when the job ends (StartExport,
// StartPDFBatch and their Run counterparts; a PDF Manager callback must be
// https). Mount Client.CallbackHandler at u to wake the waiter at once;
// polling goes on as a fallback.
func CallbackURL(u string) RunOption {
	return func(rc *runConfig) {
		p, err := url.Parse(u)
		if err != nil || !p.IsAbs() || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			rc.err = errors.New("CallbackURL must be an absolute http(s) URL")
			return
		}
		rc.callbackURL = u
	}
}

// TranscodeToUTF8 converts a file whose Content-Type declares ISO-8859-1 or
// Windows-1252 to UTF-8 while it streams; others are written unchanged.
// ISO-8859-1 is read as Windows-1252, as browsers do (WHATWG): 0x80–0x9F
// are then the curly quotes and dashes such files really contain.
func TranscodeToUTF8() RunOption {
	return func(rc *runConfig) { rc.utf8 = true }
}

// DownloadAttempts bounds the requests of one download (default 6): each
// retry after an expired URL, a cut connection or a short body fetches a
// fresh URL and resumes where the last one stopped.
func DownloadAttempts(n int) RunOption {
	return func(rc *runConfig) {
		if n < 1 {
			rc.err = errors.New("DownloadAttempts must be at least 1")
			return
		}
		rc.attempts = n
	}
}

// LowSpeedLimit ends a download attempt that receives under bytesPerSec
// bytes a second for a whole period of over (default: 1 KiB/s for a
// minute), as curl's --speed-limit and --speed-time do; it is resumed like
// a cut connection, within DownloadAttempts. 1 byte/s is a stall timeout.
func LowSpeedLimit(bytesPerSec int64, over time.Duration) RunOption {
	return func(rc *runConfig) {
		if bytesPerSec < 1 || over <= 0 {
			rc.err = errors.New("LowSpeedLimit needs a positive speed and duration")
			return
		}
		rc.lowSpeed = transfer.LowSpeed{BytesPerSec: bytesPerSec, Over: over}
	}
}

// ParallelDownloads bounds the files RunExports downloads at once (default
// 4); waits are not bounded: they share one status list.
func ParallelDownloads(n int) RunOption {
	return func(rc *runConfig) {
		if n < 1 {
			rc.err = errors.New("ParallelDownloads must be at least 1")
			return
		}
		rc.parallel = n
	}
}

// ExportsInto sends the files of RunExports' jobs that have no Dst into
// dst (ZipFilesToDir or ExtractZipFilesTo): under the server's names, never
// two the same (a later one is numbered), never replacing a file there
// unless UniqueName numbers it too; each file delivered stays, whatever
// becomes of the others.
func ExportsInto(dst BatchDestination) RunOption {
	return func(rc *runConfig) { rc.into = dst }
}

// DefaultConnections is how many connections a large file is downloaded
// over unless Connections says otherwise.
const DefaultConnections = 8

// Connections downloads a file larger than 32 MiB into ToFile or ToDir in
// 16 MiB parts over up to n connections at once (default 8; 1: one
// stream), each part held to the first answer's ETag and resumed on its
// own; a store that ignores Range gets one stream. ToWriter and
// TranscodeToUTF8 always take one stream.
func Connections(n int) RunOption {
	return func(rc *runConfig) {
		if n < 1 || n > transfer.MaxConnections {
			rc.err = fmt.Errorf("Connections must be between 1 and %d", transfer.MaxConnections)
			return
		}
		rc.connections = n
	}
}
