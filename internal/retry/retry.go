// Package retry is teamsctl's one retry policy for Microsoft Graph: it
// replaces kiota's RetryHandler, which truncates fractional Retry-After
// values (retrying early and earning another 429), retries POSTs on 504
// although the request may have been processed, and forgets the request ids
// of the attempts it gave up on.
//
// The policy retries 429, 503 and 504. It waits exactly as long as a
// Retry-After header asks (rounded up to the next second, never less);
// without one it backs off exponentially with jitter, up to a cap per wait
// and a total budget. Requests that are not idempotent (POST, and PATCH but for upserts)
// are retried only on 429 and 503, where Graph did not process them.
package retry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Policy says when and how long to retry. The zero value is not useful;
// start from Default.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// BaseDelay is the first backoff when the response names no wait.
	BaseDelay time.Duration
	// MaxDelay caps one computed backoff (not a server's Retry-After).
	MaxDelay time.Duration
	// Budget is the most the policy waits in total for one request; a
	// Retry-After beyond what is left ends the retries at once, so the
	// caller can report it instead of hanging.
	Budget time.Duration

	// Sleep waits d or until ctx ends; tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now reads the clock, for Retry-After given as an HTTP date.
	Now func() time.Time
	// Jitter returns a random fraction in [0,1).
	Jitter func() float64
	// Gate, when set, is the throttle gate shared by every request of the
	// process (see Gate); nil gates nothing.
	Gate *Gate
}

// Default is the policy for interactive commands: up to 10 retries, backoff
// from 1 s doubling to at most 30 s, and 2 minutes of waiting in total. The
// time budget, not the count, is meant to end a retry run: a busy tenant
// answers one call in four with 429 or 503, and at that rate five retries
// still lose about one request in four thousand (the bench soak hit
// it in a hundred setups).
func Default() Policy {
	return Policy{
		MaxRetries: 10,
		BaseDelay:  time.Second,
		MaxDelay:   30 * time.Second,
		Budget:     2 * time.Minute,
		Sleep:      sleep,
		Now:        time.Now,
		Jitter:     rand.Float64,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Transport applies a Policy to every request sent through Base.
type Transport struct {
	Base   http.RoundTripper
	Policy Policy
}

// RoundTrip sends req, retrying as the policy allows. It returns the last
// response when retries are exhausted, when the budget is spent, or when
// the next wait would pass the request's deadline, so the caller sees
// Graph's error. Every attempt first waits for the host's throttle gate
// (Policy.Gate) to open. When the context ends while the request is
// waiting to be retried, the error is a *StoppedError naming the request
// and the status it kept getting.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	var waited time.Duration
	lastStatus := 0
	for attempt := 0; ; attempt++ {
		if err := t.Policy.Gate.wait(ctx, req.URL.Host, t.Policy); err != nil {
			return nil, t.stopped(req, attempt, lastStatus, waited, err)
		}
		resp, err := t.Base.RoundTrip(withBody(req, body, attempt))
		if err != nil {
			return nil, t.stopped(req, attempt, lastStatus, waited, err)
		}
		recordAttempt(ctx, req, resp)
		if d, ok := RetryAfter(resp.Header, t.Policy.Now()); ok && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			t.Policy.Gate.close(req.URL.Host, t.Policy.Now().Add(d))
		}
		if attempt >= t.Policy.MaxRetries || !retryable(req, resp.StatusCode) {
			return resp, nil
		}
		wait := t.Policy.delay(resp, attempt)
		if waited+wait > t.Policy.Budget || pastDeadline(ctx, wait) {
			return resp, nil
		}
		lastStatus = resp.StatusCode
		drain(resp)
		if err := t.Policy.Sleep(ctx, wait); err != nil {
			return nil, t.stopped(req, attempt+1, lastStatus, waited, err)
		}
		waited += wait
	}
}

// pastDeadline reports whether waiting d would end after ctx's deadline
// (the HTTP client's timeout included). The deadline is on the real clock.
func pastDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Now().Add(d).After(deadline)
}

// stopped is the error of a request that failed after attempts answered
// with a retryable status lastStatus (0: none did, and err is returned as
// it is). A context that ended reports its cause (--timeout, a signal).
func (t *Transport) stopped(req *http.Request, attempts, lastStatus int, waited time.Duration, err error) error {
	if lastStatus == 0 {
		if ctxErr := req.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return context.Cause(req.Context())
		}
		return err
	}
	if req.Context().Err() != nil {
		err = context.Cause(req.Context())
	}
	u := *req.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return &StoppedError{Request: req.Method + " " + u.String(), Status: lastStatus, Attempts: attempts, Waited: waited, Err: err}
}

// StoppedError is a request that kept getting a retryable status (429,
// 503, 504) until its context ended or the connection failed.
type StoppedError struct {
	// Request is "METHOD URL" without the query.
	Request  string
	Status   int
	Attempts int
	Waited   time.Duration
	Err      error
}

func (e *StoppedError) Error() string {
	attempts := fmt.Sprintf("%d attempts", e.Attempts)
	if e.Attempts == 1 {
		attempts = "1 attempt"
	}
	return fmt.Sprintf("%s: answered %d %s to %s over %s, then stopped: %v", e.Request, e.Status,
		http.StatusText(e.Status), attempts, e.Waited.Round(time.Second), e.Err)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Gate holds back every request to a host while Graph has asked, with a
// Retry-After on a 429 or 503, for that host's traffic to wait: the
// other requests of the process, sent in parallel, wait too instead of
// earning more 429s. The zero value and a nil *Gate are open gates that
// never close; share one Gate (NewGate) between the policies of a process.
type Gate struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// NewGate returns an open gate.
func NewGate() *Gate { return &Gate{until: map[string]time.Time{}} }

// close holds host's requests back until until (never shortening a wait
// already asked for).
func (g *Gate) close(host string, until time.Time) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	if until.After(g.until[host]) {
		g.until[host] = until
	}
}

// wait returns once host's gate is open, on p's clock.
func (g *Gate) wait(ctx context.Context, host string, p Policy) error {
	if g == nil {
		return nil
	}
	for {
		g.mu.Lock()
		until := g.until[host]
		g.mu.Unlock()
		d := until.Sub(p.Now())
		if d <= 0 {
			return nil
		}
		if err := p.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// retryable reports whether a response to req may be retried. 504
// means a gateway gave up waiting, not that Graph did nothing, so only
// idempotent requests are retried then.
func retryable(req *http.Request, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusGatewayTimeout:
		return idempotent(req)
	default:
		return false
	}
}

// idempotent: every method but POST and PATCH, and an upsert (a PATCH by
// alternate key with Prefer: create-if-missing, "Upsert application" and
// "Upsert servicePrincipal"): sent twice, it creates the object once and
// sets the same properties.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodPost:
		return false
	case http.MethodPatch:
		return strings.Contains(strings.ToLower(req.Header.Get("Prefer")), "create-if-missing")
	default:
		return true
	}
}

// delay is how long to wait before retry number attempt+1.
func (p Policy) delay(resp *http.Response, attempt int) time.Duration {
	if d, ok := RetryAfter(resp.Header, p.Now()); ok {
		return d
	}
	backoff := float64(p.BaseDelay) * math.Pow(2, float64(attempt))
	backoff = math.Min(backoff, float64(p.MaxDelay))
	// "Equal jitter": half the backoff is fixed, half random, so concurrent
	// clients spread out without any of them retrying almost at once.
	return time.Duration(backoff/2 + backoff/2*p.Jitter())
}

// RetryAfter reads a Retry-After header: seconds (fractions rounded up,
// so the client never comes back early) or an HTTP date.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
		return time.Duration(math.Ceil(secs)) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// bufferBody reads the request body once so every attempt can resend it.
func bufferBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	return data, nil
}

// withBody returns the request for one attempt, with a fresh body and the
// Retry-Attempt header Graph's guidance asks retries to carry.
func withBody(req *http.Request, body []byte, attempt int) *http.Request {
	r := req.Clone(req.Context())
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	if attempt > 0 {
		r.Header.Set("Retry-Attempt", strconv.Itoa(attempt))
	}
	return r
}

// drain discards a response that is about to be retried, so the connection
// can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// Attempts collects the request ids of every attempt of a call, so an
// error after retries can name them all (Microsoft support asks for them),
// and what the last attempt was and got, so an answer the caller cannot
// use can be reported with the request it answered.
type Attempts struct {
	mu   sync.Mutex
	ids  []string
	last Attempt
	n    int
}

// Attempt is one request sent and the response it got.
type Attempt struct {
	Method string
	// URL is the request's address without its query, which can be long
	// and carry names from the tenant.
	URL         string
	Status      int
	ContentType string
}

// Request is "METHOD URL", how messages name the request.
func (a Attempt) Request() string { return a.Method + " " + a.URL }

type attemptsKey struct{}

// TrackAttempts returns a context whose requests record their request ids
// in the returned Attempts.
func TrackAttempts(ctx context.Context) (context.Context, *Attempts) {
	a := &Attempts{}
	return context.WithValue(ctx, attemptsKey{}, a), a
}

// RequestIDs returns the recorded ids, oldest first.
func (a *Attempts) RequestIDs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.ids...)
}

// Last returns the most recent attempt; ok is false when none got a
// response.
func (a *Attempts) Last() (last Attempt, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last, a.n > 0
}

func recordAttempt(ctx context.Context, req *http.Request, resp *http.Response) {
	a, ok := ctx.Value(attemptsKey{}).(*Attempts)
	if !ok {
		return
	}
	u := *req.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	a.last = Attempt{Method: req.Method, URL: u.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	if id := resp.Header.Get("request-id"); id != "" {
		a.ids = append(a.ids, id)
	}
}
