package transfer

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync/atomic"
	"time"
)

// LowSpeed is curl's --speed-limit/--speed-time: an attempt that moves
// fewer than BytesPerSec bytes a second for Over is stalled.
type LowSpeed struct {
	BytesPerSec int64
	Over        time.Duration
}

// speedSlots is how many samples a speedWatch keeps over its period.
const speedSlots = 10

// speedWatch ends a download attempt, by cancelling its context with a
// cause matching errStalled, once the attempt has moved fewer than
// bytesPerSec bytes a second on average over a whole period (curl's
// --speed-limit and --speed-time). A store that sends nothing, or trickles
// a byte now and then, is caught alike; a fast one costs an atomic add per
// read.
type speedWatch struct {
	limit  LowSpeed
	cancel context.CancelCauseFunc
	n      atomic.Int64 // bytes since the last sample
	stop   chan struct{}
	done   chan struct{}
}

// watchSpeed starts watching an attempt whose context cancel ends.
func watchSpeed(limit LowSpeed, cancel context.CancelCauseFunc) *speedWatch {
	w := &speedWatch{limit: limit, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *speedWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(max(w.limit.Over/speedSlots, time.Millisecond))
	defer t.Stop()
	need := max(1, int64(math.Ceil(float64(w.limit.BytesPerSec)*w.limit.Over.Seconds())))
	var (
		ring   [speedSlots]int64
		sum    int64
		next   int
		filled int
	)
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			n := w.n.Swap(0)
			sum += n - ring[next]
			ring[next] = n
			next = (next + 1) % speedSlots
			filled = min(filled+1, speedSlots)
			if filled == speedSlots && sum < need {
				w.cancel(fmt.Errorf("%w: %d bytes in the last %s, under the low-speed limit of %d bytes a second",
					errStalled, sum, w.limit.Over, w.limit.BytesPerSec))
				return
			}
		}
	}
}

// Stop ends the watch; the attempt is no longer cancelled.
func (w *speedWatch) Stop() {
	close(w.stop)
	<-w.done
}

// reader counts what r reads for the watch.
func (w *speedWatch) reader(r io.Reader) io.Reader { return &watchedReader{r: r, w: w} }

type watchedReader struct {
	r io.Reader
	w *speedWatch
}

func (r *watchedReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.w.n.Add(int64(n))
	return n, err
}
