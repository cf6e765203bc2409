package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock for emulator tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newFaultTestServer(t *testing.T, faults FaultOptions) (*Server, *fakeClock, *[]time.Duration) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	var slept []time.Duration
	srv, err := New(Options{
		Now:    clock.Now,
		Sleep:  func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil },
		Faults: faults,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, clock, &slept
}

func get(srv *Server, path, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "https://graph.test"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func TestScriptedFaultHitsOnlyTheNthCall(t *testing.T) {
	srv, _, _ := newFaultTestServer(t, FaultOptions{Scripted: []ScriptedFault{
		{Method: "GET", Path: "/applications*", Nth: 2, Times: 2, Status: 503, RetryAfter: 0},
	}})
	var statuses []int
	for range 4 {
		statuses = append(statuses, get(srv, "/v1.0/applications", "t").Code)
	}
	if statuses[0] == 503 || statuses[1] != 503 || statuses[2] != 503 || statuses[3] == 503 {
		t.Fatalf("statuses = %v, want the 2nd and 3rd call to fail with 503", statuses)
	}
	if got := get(srv, "/v1.0/users", "t").Code; got == 503 {
		t.Fatal("a scripted fault leaked to another path")
	}
}

func TestThrottledClientThatRetriesEarlyIsThrottledAgain(t *testing.T) {
	srv, clock, _ := newFaultTestServer(t, FaultOptions{Scripted: []ScriptedFault{
		{Method: "GET", Path: "/users*", Nth: 1, Status: 429, RetryAfter: 2 * time.Second},
	}})
	first := get(srv, "/v1.0/users", "client-a")
	if first.Code != 429 || first.Header().Get("Retry-After") != "2" {
		t.Fatalf("first = %d Retry-After %q, want 429 and 2", first.Code, first.Header().Get("Retry-After"))
	}
	if other := get(srv, "/v1.0/users", "client-b"); other.Code == 429 {
		t.Fatal("another client was throttled by client-a's window")
	}
	clock.Advance(time.Second)
	early := get(srv, "/v1.0/users", "client-a")
	if early.Code != 429 || early.Header().Get("Retry-After") != "1" {
		t.Fatalf("early retry = %d Retry-After %q, want 429 with the remaining 1 s", early.Code, early.Header().Get("Retry-After"))
	}
	clock.Advance(time.Second)
	if late := get(srv, "/v1.0/users", "client-a"); late.Code == 429 {
		t.Fatal("a client that waited for Retry-After was still throttled")
	}
	var earlies int
	for _, rec := range srv.RequestLog() {
		if rec.EarlyRetry {
			earlies++
		}
	}
	if earlies != 1 {
		t.Fatalf("request log records %d early retries, want 1", earlies)
	}
}

func TestRandomFaultsAreSeededAndProportional(t *testing.T) {
	opts := FaultOptions{Rate429: 0.2, Rate503: 0.05, RandomSeed: 7, RetryAfterMax: time.Second}
	run := func() (codes []int) {
		srv, clock, _ := newFaultTestServer(t, opts)
		for i := range 1000 {
			clock.Advance(2 * time.Second) // always past any Retry-After
			codes = append(codes, get(srv, "/v1.0/organization", string(rune('a'+i%26))).Code)
		}
		return codes
	}
	a, b := run(), run()
	var throttled, unavailable int
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("call %d: %d vs %d; the same seed must give the same faults", i, a[i], b[i])
		}
		switch a[i] {
		case 429:
			throttled++
		case 503:
			unavailable++
		}
	}
	if throttled < 150 || throttled > 250 || unavailable < 25 || unavailable > 80 {
		t.Fatalf("429s = %d, 503s = %d of 1000; want about 200 and 50", throttled, unavailable)
	}
}

func TestLatencyIsInjectedThroughSleep(t *testing.T) {
	srv, _, slept := newFaultTestServer(t, FaultOptions{Latency: 100 * time.Millisecond, Jitter: 10 * time.Millisecond})
	get(srv, "/v1.0/organization", "t")
	if len(*slept) != 1 || (*slept)[0] < 100*time.Millisecond || (*slept)[0] > 110*time.Millisecond {
		t.Fatalf("slept %v, want one wait of 100-110 ms", *slept)
	}
}

// A request sent together with the one that was throttled is throttled too
// (Graph throttles the workload) but did not ignore any Retry-After.
func TestConcurrentRequestIsThrottledButNotCountedEarly(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	var arrived sync.WaitGroup
	arrived.Add(2)
	release := make(chan struct{})
	var once sync.Once
	var calls atomic.Int32
	srv, err := New(Options{
		Now: clock.Now,
		Sleep: func(_ context.Context, d time.Duration) error {
			if calls.Add(1) > 2 { // after the concurrent pair: plain latency
				clock.Advance(d)
				return nil
			}
			arrived.Done()
			once.Do(func() {
				go func() { arrived.Wait(); clock.Advance(d); close(release) }()
			})
			<-release
			return nil
		},
		Faults: FaultOptions{Latency: 100 * time.Millisecond, Scripted: []ScriptedFault{
			{Method: "GET", Path: "/policies*", Nth: 1, Status: 429, RetryAfter: time.Second},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, path := range []string{"/v1.0/policies/authorizationPolicy", "/v1.0/policies/adminConsentRequestPolicy"} {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = get(srv, path, "client").Code }()
	}
	wg.Wait()
	if codes[0] != 429 || codes[1] != 429 {
		t.Fatalf("codes = %v, want both throttled", codes)
	}
	for _, rec := range srv.RequestLog() {
		if rec.EarlyRetry {
			t.Fatalf("%s %s was counted as ignoring a Retry-After it was never sent", rec.Method, rec.Path)
		}
	}
	// Coming back once the 429 has had time to reach the client, before the
	// second has passed, is an early retry.
	clock.Advance(inFlightAllowance)
	if rec := get(srv, "/v1.0/policies/authorizationPolicy", "client"); rec.Code != 429 {
		t.Fatalf("early retry got %d", rec.Code)
	}
	log := srv.RequestLog()
	if !log[len(log)-1].EarlyRetry {
		t.Fatal("a retry before Retry-After passed was not counted")
	}
}

// A "*" segment stands for one object id, as `sandbox fault --fail`'s
// example "POST /applications/*/addPassword 1 503" uses it; a trailing
// "*" for any suffix.
func TestScriptedFaultPathPatterns(t *testing.T) {
	for _, tt := range []struct {
		pattern, path string
		want          bool
	}{
		{"/applications/*/addPassword", "/applications/0b1d/addPassword", true},
		{"/applications/*/addPassword", "/applications/0b1d/removePassword", false},
		{"/applications/*/addPassword", "/applications/0b1d/addPassword/x", false},
		{"/applications/*", "/applications/0b1d/removePassword", true},
		{"/applications/*/owners*", "/applications/0b1d/owners/$ref", true},
		{"/applications/*/owners*", "/applications/0b1d/web", false},
		{"/servicePrincipals", "/servicePrincipals", true},
		{"/servicePrincipals", "/servicePrincipals/x", false},
	} {
		f := &ScriptedFault{Method: "POST", Path: tt.pattern}
		if got := f.matches("POST", tt.path); got != tt.want {
			t.Errorf("%s matches %s = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

// The refused request sent again is early at once; the client's other
// requests only once the 429 has had time to reach it.
func TestThrottleEarly(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	th := throttle{until: t0.Add(time.Second), issued: t0, refused: "GET /policies/authorizationPolicy"}
	for _, tc := range []struct {
		request string
		sent    time.Time
		want    bool
	}{
		{"GET /policies/authorizationPolicy", t0.Add(-time.Millisecond), false},
		{"GET /policies/authorizationPolicy", t0, true},
		{"GET /policies/adminConsentRequestPolicy", t0.Add(inFlightAllowance / 2), false},
		{"GET /policies/adminConsentRequestPolicy", t0.Add(inFlightAllowance), true},
	} {
		if got := th.early(tc.request, tc.sent); got != tc.want {
			t.Errorf("%s sent %v after the 429: early = %v, want %v", tc.request, tc.sent.Sub(t0), got, tc.want)
		}
	}
}
