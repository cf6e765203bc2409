package retry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script answers attempts with the given statuses and headers, recording
// the bodies and headers it received.
type script struct {
	replies []reply
	got     []*http.Request
	bodies  []string
}

type reply struct {
	status     int
	retryAfter string
}

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	s.got = append(s.got, req)
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		s.bodies = append(s.bodies, string(b))
	}
	r := s.replies[len(s.got)-1]
	h := http.Header{"Request-Id": []string{"req-" + strconv.Itoa(len(s.got))}}
	if r.retryAfter != "" {
		h.Set("Retry-After", r.retryAfter)
	}
	return &http.Response{StatusCode: r.status, Header: h, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

var epoch = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

// testPolicy records waits instead of sleeping.
func testPolicy(waits *[]time.Duration) Policy {
	p := Default()
	p.Sleep = func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }
	p.Now = func() time.Time { return epoch }
	p.Jitter = func() float64 { return 0.5 }
	return p
}

func run(t *testing.T, method string, replies ...reply) (*script, []time.Duration, *http.Response, []string) {
	t.Helper()
	return runWithHeader(t, method, nil, replies...)
}

func runWithHeader(t *testing.T, method string, header http.Header, replies ...reply) (*script, []time.Duration, *http.Response, []string) {
	t.Helper()
	var waits []time.Duration
	s := &script{replies: replies}
	tr := &Transport{Base: s, Policy: testPolicy(&waits)}
	ctx, attempts := TrackAttempts(context.Background())
	req, _ := http.NewRequestWithContext(ctx, method, "https://graph.example/v1.0/applications", strings.NewReader(`{"displayName":"x"}`))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	return s, waits, resp, attempts.RequestIDs()
}

func TestRetryAfterIsHonouredAndRoundedUp(t *testing.T) {
	s, waits, resp, ids := run(t, http.MethodGet, reply{429, "0.5"}, reply{503, "2"}, reply{200, ""})
	if resp.StatusCode != 200 || len(s.got) != 3 {
		t.Fatalf("status %d after %d attempts", resp.StatusCode, len(s.got))
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
	if got := s.got[2].Header.Get("Retry-Attempt"); got != "2" {
		t.Errorf("Retry-Attempt = %q", got)
	}
	if strings.Join(ids, ",") != "req-1,req-2,req-3" {
		t.Errorf("request ids = %v", ids)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	h := http.Header{"Retry-After": []string{epoch.Add(7 * time.Second).Format(http.TimeFormat)}}
	if d, ok := RetryAfter(h, epoch); !ok || d != 7*time.Second {
		t.Errorf("RetryAfter = %v, %v", d, ok)
	}
}

func TestBackoffWithoutHeaderIsCappedExponential(t *testing.T) {
	replies := slices.Repeat([]reply{{503, ""}}, 12)
	_, waits, resp, ids := run(t, http.MethodGet, replies...)
	// Jitter 0.5 gives three quarters of 1, 2, 4, 8, 16 s, then of the 30 s
	// cap, until the next wait would overrun the 2-minute budget.
	want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 12 * time.Second,
		22500 * time.Millisecond, 22500 * time.Millisecond, 22500 * time.Millisecond, 22500 * time.Millisecond}
	if !slices.Equal(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
	if resp.StatusCode != 503 || len(ids) != len(want)+1 {
		t.Errorf("gave up with %d after %d attempts", resp.StatusCode, len(ids))
	}
}

func TestBodyIsResentOnEveryAttempt(t *testing.T) {
	s, _, _, _ := run(t, http.MethodPost, reply{429, "1"}, reply{201, ""})
	if len(s.bodies) != 2 || s.bodies[0] != s.bodies[1] || s.bodies[1] != `{"displayName":"x"}` {
		t.Errorf("bodies = %q", s.bodies)
	}
}

func TestPostIsNotRetriedOnGatewayTimeout(t *testing.T) {
	s, waits, resp, _ := run(t, http.MethodPost, reply{504, ""})
	if resp.StatusCode != 504 || len(s.got) != 1 || len(waits) != 0 {
		t.Errorf("POST 504 retried: %d attempts", len(s.got))
	}
	s, _, resp, _ = run(t, http.MethodDelete, reply{504, ""}, reply{204, ""})
	if resp.StatusCode != 204 || len(s.got) != 2 {
		t.Errorf("DELETE 504 not retried")
	}
}

// An upsert (PATCH by alternate key with Prefer: create-if-missing) sent
// twice creates the object once: it is retried on 504, a plain PATCH not.
func TestUpsertIsRetriedOnGatewayTimeout(t *testing.T) {
	upsert := http.Header{"Prefer": {"create-if-missing"}}
	s, _, resp, _ := runWithHeader(t, http.MethodPatch, upsert, reply{504, ""}, reply{201, ""})
	if resp.StatusCode != 201 || len(s.got) != 2 {
		t.Errorf("upsert 504 not retried: %d attempts, status %d", len(s.got), resp.StatusCode)
	}
	s, _, resp, _ = run(t, http.MethodPatch, reply{504, ""})
	if resp.StatusCode != 504 || len(s.got) != 1 {
		t.Errorf("PATCH 504 retried: %d attempts", len(s.got))
	}
}

func TestOtherStatusesAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 500} {
		s, _, _, _ := run(t, http.MethodGet, reply{status, "1"})
		if len(s.got) != 1 {
			t.Errorf("%d retried", status)
		}
	}
}

func TestRetryAfterBeyondBudgetGivesUpAtOnce(t *testing.T) {
	s, waits, resp, _ := run(t, http.MethodGet, reply{429, "600"})
	if resp.StatusCode != 429 || len(s.got) != 1 || len(waits) != 0 {
		t.Errorf("waited %v over %d attempts", waits, len(s.got))
	}
}

func TestCancelledWaitStops(t *testing.T) {
	s := &script{replies: []reply{{429, "1"}, {200, ""}}}
	p := Default()
	p.Sleep = func(context.Context, time.Duration) error { return context.Canceled }
	req, _ := http.NewRequest(http.MethodGet, "https://graph.example/v1.0/me", nil)
	_, err := (&Transport{Base: s, Policy: p}).RoundTrip(req)
	var stopped *StoppedError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &stopped) || stopped.Status != 429 ||
		!strings.HasPrefix(err.Error(), "GET https://graph.example/v1.0/me: answered 429 Too Many Requests") {
		t.Errorf("err = %v, want a StoppedError naming the request and its 429, wrapping context.Canceled", err)
	}
}

// TestWaitPastTheDeadlineReturnsTheAnswer: a retry whose wait would end
// after the request's deadline is not attempted; the caller gets the 503
// (status and request) instead of a bare "context deadline exceeded".
func TestWaitPastTheDeadlineReturnsTheAnswer(t *testing.T) {
	s := &script{replies: []reply{{503, "30"}, {200, ""}}}
	var waits []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.example/v1.0/me", nil)
	resp, err := (&Transport{Base: s, Policy: testPolicy(&waits)}).RoundTrip(req)
	if err != nil || resp.StatusCode != 503 || len(waits) != 0 || len(s.got) != 1 {
		t.Errorf("got %v, %v after %d attempts and waits %v; want the 503 at once", resp, err, len(s.got), waits)
	}
}

// TestOneThrottleGatePerHost: after a 429 with Retry-After on one request,
// the next request to the same host waits out the Retry-After before it
// is sent; a request to another host does not.
func TestOneThrottleGatePerHost(t *testing.T) {
	var waits []time.Duration
	now := epoch
	p := testPolicy(&waits)
	p.Now = func() time.Time { return now }
	p.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); now = now.Add(d); return nil }
	p.MaxRetries = 0
	p.Gate = NewGate()
	send := func(host string, replies ...reply) {
		t.Helper()
		s := &script{replies: replies}
		req, _ := http.NewRequest(http.MethodGet, "https://"+host+"/v1.0/servicePrincipals", nil)
		if _, err := (&Transport{Base: s, Policy: p}).RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	send("graph.example", reply{429, "2"})
	if len(waits) != 0 {
		t.Fatalf("the throttled request itself waited %v", waits)
	}
	send("other.example", reply{200, ""})
	if len(waits) != 0 {
		t.Errorf("another host waited %v", waits)
	}
	now = now.Add(500 * time.Millisecond)
	send("graph.example", reply{200, ""})
	if !slices.Equal(waits, []time.Duration{1500 * time.Millisecond}) {
		t.Errorf("the next request to the throttled host waited %v, want the 1.5 s left of Retry-After", waits)
	}
}
