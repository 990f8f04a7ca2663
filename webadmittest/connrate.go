package webadmittest

import (
	"context"
	"net"

	"golang.org/x/time/rate"
)

// WithStoreConnRate caps what each connection to the built-in object store
// sends at bytesPerSec bytes a second (0, the default: no cap), as a real
// store's per-connection throughput is capped, so that a download over
// several connections shows its effect on loopback. Each connection has its
// own token bucket; a request that reuses a connection shares its cap.
func WithStoreConnRate(bytesPerSec int64) Option {
	return func(c *config) { c.storeConnRate = bytesPerSec }
}

// rateListener gives every connection it accepts its own send cap.
type rateListener struct {
	net.Listener
	perSec int64
	ctx    context.Context // ends when the server closes
}

// Accept gives the next connection a token bucket of its own.
func (l *rateListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	burst := rateBurst(l.perSec)
	return &rateConn{Conn: c, lim: rate.NewLimiter(rate.Limit(l.perSec), burst), burst: burst, ctx: l.ctx}, nil
}

// rateBurst is the largest write a capped connection sends at once: a
// fiftieth of a second's worth, between 4 KiB and 1 MiB, so that the cap
// holds smoothly without a timer per few bytes.
func rateBurst(perSec int64) int {
	return int(min(max(perSec/50, 4<<10), 1<<20))
}

// rateConn is a connection whose writes wait for the token bucket.
type rateConn struct {
	net.Conn
	lim   *rate.Limiter
	burst int
	ctx   context.Context
}

// Write sends p a burst at a time, each once the bucket holds it; it gives
// up when the server closes.
func (c *rateConn) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), c.burst)
		if err := c.lim.WaitN(c.ctx, k); err != nil {
			return n, err
		}
		m, err := c.Conn.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}
