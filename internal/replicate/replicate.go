// Package replicate retries writes that depend on a directory object
// created moments ago. Entra replicates asynchronously: a new application
// or service principal can be invisible to the next request for seconds to
// minutes, and the errors it gives then (graph.IsReplicationError) mean
// "not yet", not "no". The backoff parameters come from the one retry
// policy (package retry); the clock is injected so tests never sleep.
package replicate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// Waiter retries operations on replication errors.
type Waiter struct {
	// Policy gives BaseDelay, MaxDelay, Budget (the whole wait, about two
	// minutes by default), Sleep and Jitter. MaxRetries is ignored: the
	// budget bounds the wait.
	Policy retry.Policy
	// Progress, when set, is told about each wait (for a spinner on
	// stderr).
	Progress func(msg string)
	// Retryable decides which errors are worth waiting for; nil means
	// graph.IsReplicationError.
	Retryable func(error) bool

	// progressMu serialises Progress: independent writes wait
	// concurrently (app create's service principal and secret).
	progressMu sync.Mutex
}

// Default returns a Waiter with the default polling: the first retry after
// 150 ms, then every fifth of the time waited so far (jittered, at most 5 s),
// two minutes in total.
//
// Replication lag is a delay, not an overload: the object appears at some
// moment and every moment waited after it is lost. Polling at a fixed
// fraction of the time already waited keeps that loss under a fifth of the
// lag whatever it is (0.2 s of 1 s, 1 s of 5 s) with a logarithmic number of
// polls (at most 10 for 1 s of lag, 21 for 5 s), where exponential backoff
// from seconds overshot a 2 s lag by 2.5x.
func Default() *Waiter {
	p := retry.Default()
	p.BaseDelay = 150 * time.Millisecond
	p.MaxDelay = 5 * time.Second
	return &Waiter{Policy: p}
}

// pollFraction is the share of the time already waited that the next poll
// waits (see Default).
const pollFraction = 0.2

// Do runs fn until it succeeds, fails with an error that is not a
// replication error, or the budget is spent. what names the operation for
// progress messages and the final error.
func (w *Waiter) Do(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	if w == nil {
		return fn(ctx)
	}
	retryable := w.Retryable
	if retryable == nil {
		retryable = graph.IsReplicationError
	}
	var waited time.Duration
	for {
		err := fn(ctx)
		if err == nil || !retryable(err) {
			return err
		}
		wait := w.delay(waited)
		if waited+wait > w.Policy.Budget {
			wait = w.Policy.Budget - waited
		}
		if wait <= 0 {
			return &TimeoutError{What: what, Waited: waited, Err: err}
		}
		if w.Progress != nil {
			w.progressMu.Lock()
			w.Progress(fmt.Sprintf("Waiting for Entra to replicate (%s): retrying in %s", what, wait.Round(50*time.Millisecond)))
			w.progressMu.Unlock()
		}
		sleep := w.Policy.Sleep
		if sleep == nil {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
	}
}

// errNotVisible marks an Until condition that does not hold yet.
var errNotVisible = errors.New("not visible yet")

// Until waits, with the same backoff and budget as Do, until visible
// reports true: for a write Graph answered but reads do not show yet (a
// grant that "already exists" yet is not in the list). A nil Waiter checks
// once. When the budget is spent the TimeoutError wraps "not visible yet".
func (w *Waiter) Until(ctx context.Context, what string, visible func(ctx context.Context) (bool, error)) error {
	check := func(ctx context.Context) error {
		ok, err := visible(ctx)
		if err == nil && !ok {
			return errNotVisible
		}
		return err
	}
	if w == nil {
		if err := check(ctx); err != nil && !errors.Is(err, errNotVisible) {
			return err
		}
		return nil
	}
	retryable := w.Retryable
	if retryable == nil {
		retryable = graph.IsReplicationError
	}
	until := &Waiter{Policy: w.Policy, Progress: w.Progress,
		Retryable: func(err error) bool { return errors.Is(err, errNotVisible) || retryable(err) }}
	return until.Do(ctx, what, check)
}

// delay is the wait before the next poll, given the time waited so far:
// pollFraction of it, at least BaseDelay and at most MaxDelay, shortened by
// up to a fifth at random so that parallel waiters do not poll in step.
func (w *Waiter) delay(waited time.Duration) time.Duration {
	base := w.Policy.BaseDelay
	if base <= 0 {
		base = 150 * time.Millisecond
	}
	d := max(float64(waited)*pollFraction, float64(base))
	if w.Policy.MaxDelay > 0 {
		d = min(d, float64(w.Policy.MaxDelay))
	}
	j := 0.5
	if w.Policy.Jitter != nil {
		j = w.Policy.Jitter()
	}
	return time.Duration(d * (1 - 0.2*j))
}

// TimeoutError means the object did not replicate within the budget.
type TimeoutError struct {
	What   string
	Waited time.Duration
	Err    error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: Entra had not replicated the new object after %s: %v", e.What, e.Waited.Round(time.Second), e.Err)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// Hint implements the hint convention (cmdutil.HintFor).
func (e *TimeoutError) Hint() string {
	return "Entra is slow to replicate right now. Run the same command again in a few minutes: it continues where it stopped."
}
