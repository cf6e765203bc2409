package bench

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// WaveClock is a virtual clock for the emulator's latency and the client's
// own waits. A Sleep does not take real time: it joins the current wave,
// and once every request the emulator is handling (Track) waits in the
// wave and no new Sleep has arrived for Quiet (real time, a few
// milliseconds), the whole wave is released at once and the clock moves on
// by the longest wait in it. Requests a client sends concurrently therefore
// share one wave and requests it sends one after another take one wave
// each, whatever the machine's load (a slow emulator answer, as on a
// 100,000-user tenant under the race detector, holds the next wave back
// instead of splitting it): the wave count is the number of sequential
// round trips, and the virtual time is what the command would take against
// a tenant answering every request in exactly Latency.
type WaveClock struct {
	// Quiet is how long the clock waits for stragglers before releasing a
	// wave. It must exceed the client's think time between two requests it
	// sends concurrently, which the race detector and a loaded CI machine
	// stretch to tens of milliseconds; the default is 100 ms.
	Quiet time.Duration

	mu      sync.Mutex
	now     time.Time
	gen     uint64
	pending []*waiter
	waves   int
	// handling counts requests the emulator is serving (Track).
	handling int
}

type waiter struct {
	d    time.Duration
	done chan struct{}
	// request marks the latency wait of a request being handled.
	request bool
}

type handlingKey struct{}

// Track wraps the emulator's handler so the clock knows which requests are
// being served: a wave is not released while one of them is still
// working rather than waiting in it.
func (c *WaveClock) Track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.handling++
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.handling--
			gen, quiet := c.gen, c.Quiet
			c.mu.Unlock()
			time.AfterFunc(quiet, func() { c.release(gen) })
		}()
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), handlingKey{}, true)))
	})
}

// NewWaveClock starts a virtual clock at start.
func NewWaveClock(start time.Time) *WaveClock {
	return &WaveClock{now: start, Quiet: 100 * time.Millisecond}
}

// waitingRequests counts the pending waits of requests being served; the
// caller holds c.mu.
func (c *WaveClock) waitingRequests() int {
	n := 0
	for _, w := range c.pending {
		if w.request {
			n++
		}
	}
	return n
}

// Now returns the virtual time.
func (c *WaveClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Waves returns how many waves have been released.
func (c *WaveClock) Waves() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waves
}

// Advance moves the clock on without a wave (e.g. to expire a lag).
func (c *WaveClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Sleep waits for d of virtual time: until the wave it joins is released,
// or ctx ends.
func (c *WaveClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	w := &waiter{d: d, done: make(chan struct{}), request: ctx.Value(handlingKey{}) != nil}
	c.mu.Lock()
	c.pending = append(c.pending, w)
	c.gen++
	gen := c.gen
	quiet := c.Quiet
	c.mu.Unlock()
	time.AfterFunc(quiet, func() { c.release(gen) })
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		for i, p := range c.pending {
			if p == w {
				c.pending = append(c.pending[:i], c.pending[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

// release ends the wave if no Sleep arrived since the one that scheduled it
// and every request being served waits in it.
func (c *WaveClock) release(gen uint64) {
	c.mu.Lock()
	if gen != c.gen || len(c.pending) == 0 || c.waitingRequests() < c.handling {
		c.mu.Unlock()
		return
	}
	batch := c.pending
	c.pending = nil
	var longest time.Duration
	for _, w := range batch {
		longest = max(longest, w.d)
	}
	c.now = c.now.Add(longest)
	c.waves++
	c.mu.Unlock()
	for _, w := range batch {
		close(w.done)
	}
}
