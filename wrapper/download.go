package wrapper

import (
	"context"
	"errors"
	"net/http"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
)

// newTransfer sets up the download of one file into s: through the
// download client (never the API key), with fresh URLs from fresh, the
// call's budget and options, and its progress reported as Events based on
// ev.
func (c *Client) newTransfer(rc *runConfig, s dest.Sink, what string, attrs []any, ev Event, fresh func(context.Context) (string, error)) *transfer.Transfer {
	return &transfer.Transfer{
		Client: c.dl, Fresh: fresh, Sink: s, What: what,
		UTF8: rc.utf8, Attempts: rc.attempts, LowSpeed: rc.lowSpeed,
		Budget: rc.budget, Policy: rc.poll.policy(),
		StoreError: c.storeError, Transient: isTransient, RetryAfter: retryAfter,
		Log: c.log, Attrs: attrs,
		Progress: func(p transfer.Progress) {
			e := ev
			e.Bytes, e.Total, e.Attempt, e.Delay, e.Err, e.FileName = p.Bytes, p.Total, p.Attempt, p.Delay, p.Err, p.FileName
			switch p.Kind {
			case transfer.Start:
				e.Kind, e.Bytes = EventDownloadStart, 0
			case transfer.Bytes:
				e.Kind = EventBytes
			case transfer.Retry:
				e.Kind = EventRetry
			case transfer.Resume:
				e.Kind = EventResume
			}
			rc.emit(e)
		},
	}
}

// storeError maps a failed answer of the object store to an error. It is
// never ErrUnauthorized: the key does not go to the store. The URL's own
// query values (its signature, its credential) are secrets too: an error
// page may echo them.
func (c *Client) storeError(resp *http.Response, body []byte) error {
	secrets := []string{c.key}
	if resp.Request != nil {
		for _, vs := range resp.Request.URL.Query() {
			for _, v := range vs {
				if len(v) >= 8 {
					secrets = append(secrets, v)
				}
			}
		}
	}
	err := checkResponse(resp, body, c.clock.Now(), secrets...)
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Store = true
	}
	return err
}
