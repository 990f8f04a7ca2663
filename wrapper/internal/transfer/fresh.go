package transfer

import (
	"context"
	"sync"
)

// urlSource is the download URL the parts of a file share, and the one
// place that asks for a fresh one. A part the store refused (403: the URL
// expired) asks for a URL newer than the one it was refused: the first part
// to ask calls Fresh, parts that ask while that call is in flight wait for
// its answer, and a part that asks after it gets the new URL without a
// call. So one expiry costs one API call, however many parts it refused.
type urlSource struct {
	fresh func(context.Context) (string, error) // within the budget
	mu    sync.Mutex
	url   string
	gen   int      // how many fresh URLs came since the first
	call  *urlCall // the Fresh call in flight, or nil
}

// urlCall is one Fresh call that other parts may wait for.
type urlCall struct {
	done chan struct{} // closed when the call has returned
	err  error
}

// current returns the URL in hand and its generation.
func (u *urlSource) current() (string, int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.url, u.gen
}

// renew returns a URL newer than generation gen: one another part already
// fetched, the answer of the call in flight, or a new one from Fresh. An
// error of a shared call is every waiter's.
func (u *urlSource) renew(ctx context.Context, gen int) (string, int, error) {
	u.mu.Lock()
	if u.gen > gen {
		defer u.mu.Unlock()
		return u.url, u.gen, nil
	}
	c := u.call
	if c == nil { // this part calls
		c = &urlCall{done: make(chan struct{})}
		u.call = c
		u.mu.Unlock()
		url, err := u.fresh(ctx)
		u.mu.Lock()
		if err == nil {
			u.url, u.gen = url, u.gen+1
		}
		c.err, u.call = err, nil
		close(c.done)
		url, g := u.url, u.gen
		u.mu.Unlock()
		return url, g, err
	}
	u.mu.Unlock()
	select {
	case <-c.done:
	case <-ctx.Done():
		return "", 0, context.Cause(ctx)
	}
	if c.err != nil {
		return "", 0, c.err
	}
	url, g := u.current()
	return url, g, nil
}
