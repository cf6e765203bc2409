package bench

import (
	"context"
	"sync"
	"time"
)

// WaveClock is a virtual clock for the emulator's latency and the client's
// own waits. A Sleep does not take real time: it joins the current wave,
// and when no new Sleep has arrived for Quiet (real time, a few
// milliseconds), the whole wave is released at once and the clock moves on
// by the longest wait in it. Requests a client sends concurrently therefore
// share one wave and requests it sends one after another take one wave
// each, whatever the machine's load: the wave count is the number of
// sequential round trips, and the virtual time is what the command would
// take against a tenant answering every request in exactly Latency.
type WaveClock struct {
	// Quiet is how long the clock waits for stragglers before releasing a
	// wave. It must exceed the client's think time between two requests it
	// sends concurrently (microseconds); the default is 25 ms.
	Quiet time.Duration

	mu      sync.Mutex
	now     time.Time
	gen     uint64
	pending []*waiter
	waves   int
}

type waiter struct {
	d    time.Duration
	done chan struct{}
}

// NewWaveClock starts a virtual clock at start.
func NewWaveClock(start time.Time) *WaveClock {
	return &WaveClock{now: start, Quiet: 25 * time.Millisecond}
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
	w := &waiter{d: d, done: make(chan struct{})}
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

// release ends the wave if no Sleep arrived since the one that scheduled it.
func (c *WaveClock) release(gen uint64) {
	c.mu.Lock()
	if gen != c.gen || len(c.pending) == 0 {
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
