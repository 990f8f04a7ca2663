package wrapper

import (
	"errors"
	"net/url"
	"time"
)

// RunOption configures one RunExport, Attach, Download, Wait or Initiate call.
type RunOption func(*runConfig)

type runConfig struct {
	poll        PollPolicy
	progress    ProgressFunc
	callbackURL string
	utf8        bool
	attempts    int
	stall       time.Duration
	err         error
}

// defaultDownloadAttempts bounds the requests of one download, the first
// included: each retry after an expired URL or a cut fetches a fresh URL.
const defaultDownloadAttempts = 6

// defaultStallTimeout ends a download attempt that receives nothing for so
// long; the next attempt resumes it.
const defaultStallTimeout = 2 * time.Minute

func (c *Client) runConfig(opts []RunOption) (*runConfig, error) {
	rc := &runConfig{poll: c.poll, attempts: defaultDownloadAttempts, stall: defaultStallTimeout}
	for _, o := range opts {
		o(rc)
	}
	if rc.err != nil {
		return nil, rc.err
	}
	if err := rc.poll.validate(); err != nil {
		return nil, err
	}
	return rc, nil
}

// UsePollPolicy replaces the client's poll policy for this call; zero
// fields take the defaults.
func UsePollPolicy(p PollPolicy) RunOption {
	return func(rc *runConfig) { rc.poll = p.withDefaults() }
}

// MaxWait replaces the wait budget (PollPolicy.MaxWait) for this call.
func MaxWait(d time.Duration) RunOption {
	return func(rc *runConfig) {
		if d <= 0 {
			rc.err = errors.New("webadmit: MaxWait must be positive")
			return
		}
		rc.poll.MaxWait = d
	}
}

// OnProgress calls fn, synchronously, on every step of the call: status
// changes, retries, download start, bytes written, resumes. fn must return
// quickly.
func OnProgress(fn ProgressFunc) RunOption {
	return func(rc *runConfig) { rc.progress = fn }
}

// CallbackURL asks WebAdMIT to POST to u when the run ends (Initiate and
// RunExport). Mount Client.CallbackHandler at u to wake the waiter at once;
// polling goes on as a fallback.
func CallbackURL(u string) RunOption {
	return func(rc *runConfig) {
		p, err := url.Parse(u)
		if err != nil || !p.IsAbs() || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			rc.err = errors.New("webadmit: CallbackURL must be an absolute http(s) URL")
			return
		}
		rc.callbackURL = u
	}
}

// TranscodeToUTF8 converts a file whose Content-Type declares ISO-8859-1 or
// Windows-1252 to UTF-8 while it streams. ISO-8859-1 is decoded as
// Windows-1252, as browsers do (the WHATWG Encoding Standard): the two
// differ only in 0x80–0x9F, where Latin-1 has unused control codes and
// Windows-1252 has the curly quotes and dashes such files really contain.
// Files declaring another charset, or none, are written unchanged.
func TranscodeToUTF8() RunOption {
	return func(rc *runConfig) { rc.utf8 = true }
}

// DownloadAttempts bounds the requests of one download (default 6): each
// retry after an expired URL, a cut connection or a short body fetches a
// fresh URL and resumes where the last one stopped.
func DownloadAttempts(n int) RunOption {
	return func(rc *runConfig) {
		if n < 1 {
			rc.err = errors.New("webadmit: DownloadAttempts must be at least 1")
			return
		}
		rc.attempts = n
	}
}

// StallTimeout ends a download attempt that receives no byte for d (default
// 2 minutes); like a cut connection, it is resumed with a fresh URL, within
// DownloadAttempts.
func StallTimeout(d time.Duration) RunOption {
	return func(rc *runConfig) {
		if d <= 0 {
			rc.err = errors.New("webadmit: StallTimeout must be positive")
			return
		}
		rc.stall = d
	}
}
