package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
)

// newTransfer sets up the download of one file into s through the download
// client, with fresh URLs from fresh, and its progress as Events like ev.
func (c *Client) newTransfer(rc *runConfig, s dest.Sink, what string, attrs []any, ev Event, fresh func(context.Context) (string, error)) *transfer.Transfer {
	return &transfer.Transfer{
		Client: c.dl, Fresh: fresh, Sink: s, What: what,
		UTF8: rc.utf8, Attempts: rc.attempts, Connections: rc.connections, LowSpeed: rc.lowSpeed,
		Budget: rc.budget, Policy: rc.poll.policy(),
		StoreError: c.storeError, Transient: isTransient, RetryAfter: retryAfter,
		Log: c.log, Attrs: attrs,
		Progress: func(p transfer.Progress) {
			e := ev
			e.Kind, e.Bytes, e.Total, e.Attempt, e.Delay, e.Err, e.FileName = transferEvents[p.Kind], p.Bytes, p.Total, p.Attempt, p.Delay, p.Err, p.FileName
			if p.Kind == transfer.Start {
				e.Bytes = 0
			}
			rc.emit(e)
		},
	}
}

// transferEvents are the events of a transfer's steps.
var transferEvents = [...]EventKind{transfer.Start: EventDownloadStart, transfer.Bytes: EventBytes,
	transfer.Retry: EventRetry, transfer.Resume: EventResume}

// fetch downloads one file into s with t (from newTransfer) and commits it:
// the transfer's result (never nil), the paths the sink created, and what
// went wrong. It does not abort s.
func (c *Client) fetch(ctx context.Context, rc *runConfig, t *transfer.Transfer, s dest.Sink) (*transfer.Result, []string, error) {
	tr, err := t.Run(ctx)
	if err != nil {
		return tr, nil, err
	}
	if err := ctx.Err(); err != nil { // cancelled at the last byte: still nothing is left
		return tr, nil, fmt.Errorf("downloading %s: %w", t.What, context.Cause(ctx))
	}
	if t.Name != nil {
		tr.Meta.FileName = t.Name(tr.Meta.FileName)
	}
	paths, err := s.Commit(&tr.Meta)
	if err != nil {
		return tr, nil, transfer.StoredCoding(err, tr.Meta.ContentEncoding)
	}
	c.log.Info("webadmit: downloaded "+t.What, append(t.Attrs, "bytes", tr.Written, "resumes", tr.Resumes, "sha256", tr.SHA256)...)
	return tr, paths, nil
}

// storeError maps a failed answer of the object store to an error. It is
// never ErrUnauthorized: the key does not go to the store. The URL's own
// query values (its signature, its credential) are secrets too: an error
// page may echo them.
func (c *Client) storeError(resp *http.Response, body []byte) error {
	secrets := []string{c.key}
	if resp.Request != nil {
		secrets = append(secrets, redact.QueryValues(resp.Request.URL)...)
	}
	err := checkResponse(resp, body, c.clock.Now(), secrets...)
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Store = true
	}
	return err
}
