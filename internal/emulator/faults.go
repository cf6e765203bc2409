package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultOptions configure injected latency, random errors, scripted errors
// and replication lag. The zero value injects nothing.
type FaultOptions struct {
	// Latency is added to every login and Graph request, plus a uniformly
	// random extra of up to Jitter.
	Latency time.Duration `json:"latency,omitempty"`
	Jitter  time.Duration `json:"jitter,omitempty"`
	// Rate429, Rate503 and Rate504 are the fractions of Graph requests
	// answered with that status instead of being served.
	Rate429 float64 `json:"rate429,omitempty"`
	Rate503 float64 `json:"rate503,omitempty"`
	Rate504 float64 `json:"rate504,omitempty"`
	// RetryAfterMin and RetryAfterMax bound the Retry-After of injected
	// 429s and 503s (whole seconds on the wire, as Graph sends them).
	RetryAfterMin time.Duration `json:"retryAfterMin,omitempty"`
	RetryAfterMax time.Duration `json:"retryAfterMax,omitempty"`
	// RandomSeed makes the random faults reproducible.
	RandomSeed uint64 `json:"randomSeed,omitempty"`
	// Scripted faults answer chosen calls with a chosen status.
	Scripted []ScriptedFault `json:"scripted,omitempty"`
	// ReplicationLag keeps newly written directory objects invisible to
	// other calls for this long (graph.md section 10).
	ReplicationLag time.Duration `json:"replicationLag,omitempty"`
}

// ScriptedFault answers the Nth matching Graph call (1-based, counted from
// when the fault was installed) with Status. Path is matched against the
// request path without the version prefix; a trailing "*" matches any
// suffix, and a "*" segment before the end any one segment. Times > 1
// fails that many consecutive matching calls.
type ScriptedFault struct {
	Method     string        `json:"method"`
	Path       string        `json:"path"`
	Nth        int           `json:"nth"`
	Times      int           `json:"times,omitempty"`
	Status     int           `json:"status"`
	RetryAfter time.Duration `json:"retryAfter,omitempty"`
	seen       int
}

func (f *ScriptedFault) matches(method, path string) bool {
	if !strings.EqualFold(f.Method, method) {
		return false
	}
	pattern, anySuffix := strings.CutSuffix(f.Path, "*")
	if !strings.Contains(pattern, "*") {
		if anySuffix {
			return strings.HasPrefix(path, pattern)
		}
		return strings.EqualFold(f.Path, path)
	}
	// A "*" segment before the end stands for one segment (an object id):
	// "/applications/*/addPassword".
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(got) < len(want) || (!anySuffix && len(got) != len(want)) {
		return false
	}
	for i, w := range want {
		last := i == len(want)-1
		switch {
		case w == "*":
		case last && anySuffix:
			if !strings.HasPrefix(got[i], w) {
				return false
			}
		case !strings.EqualFold(w, got[i]):
			return false
		}
	}
	return true
}

// RequestRecord is one entry of the emulator's request log, which tests and
// benchmarks read to count requests, round trips and Retry-After violations.
type RequestRecord struct {
	Time time.Time `json:"time"`
	// End is when the response was complete (after injected latency), so
	// benchmarks can tell overlapping requests from sequential ones.
	End    time.Time `json:"end,omitzero"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Status int       `json:"status"`
	// Injected is true when the emulator answered with a fault.
	Injected bool `json:"injected,omitempty"`
	// EarlyRetry is true when the client came back before the Retry-After
	// it was given had passed.
	EarlyRetry bool `json:"earlyRetry,omitempty"`
}

// faultInjector decides, per request, whether to delay or fail it. It has
// its own lock so latency is computed without holding the state lock.
type faultInjector struct {
	mu        sync.Mutex
	opts      FaultOptions
	rng       *rand.Rand
	throttles map[string]throttle // client+workload -> the Retry-After window
	log       requestLog
}

func newFaultInjector(opts FaultOptions, logLimit int) *faultInjector {
	f := &faultInjector{throttles: map[string]throttle{}, log: requestLog{limit: max(logLimit, 0)}}
	f.configure(opts)
	return f
}

// maxLoggedPath bounds the path kept per request record, so a log of N
// records is bounded however long the paths clients send.
const maxLoggedPath = 1024

// requestLog keeps the served requests: all of them, or with a limit the
// latest limit in a ring.
type requestLog struct {
	limit int // 0: unbounded
	recs  []RequestRecord
	// next is, once the ring is full, the slot of the oldest record.
	next int
}

func (l *requestLog) add(rec RequestRecord) {
	if len(rec.Path) > maxLoggedPath {
		rec.Path = fmt.Sprintf("%s... (%d bytes)", rec.Path[:maxLoggedPath], len(rec.Path))
	}
	if l.limit == 0 || len(l.recs) < l.limit {
		l.recs = append(l.recs, rec)
		return
	}
	l.recs[l.next] = rec
	l.next = (l.next + 1) % l.limit
}

// records returns a copy, oldest first.
func (l *requestLog) records() []RequestRecord {
	out := make([]RequestRecord, 0, len(l.recs))
	out = append(out, l.recs[l.next:]...)
	return append(out, l.recs[:l.next]...)
}

func (l *requestLog) reset() { l.recs, l.next = nil, 0 }

func (f *faultInjector) configure(opts FaultOptions) {
	f.opts = opts
	f.opts.Scripted = append([]ScriptedFault(nil), opts.Scripted...)
	f.rng = rand.New(rand.NewPCG(opts.RandomSeed, opts.RandomSeed^0x5eed))
}

// SetFaults replaces the fault configuration at run time.
func (s *Server) SetFaults(opts FaultOptions) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.configure(opts)
}

// Faults returns the current fault configuration.
func (s *Server) Faults() FaultOptions {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.opts
}

// replicationLag is read by handlers that create directory objects.
func (s *Server) replicationLag() time.Duration {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.opts.ReplicationLag
}

// logRequest appends a served request to the log (dropping the oldest
// when a limit is set and reached).
func (s *Server) logRequest(r *http.Request, status int) {
	rc := requestInfo(r)
	end := s.now()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.log.add(RequestRecord{
		Time: rc.start, End: end, Method: r.Method, Path: r.URL.Path, Status: status,
		Injected: rc.injected, EarlyRetry: rc.earlyRetry,
	})
}

// RequestLog returns the requests served so far, oldest first (only the
// latest Options.RequestLogLimit when that is set).
func (s *Server) RequestLog() []RequestRecord {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.log.records()
}

// ResetRequestLog forgets the requests served so far.
func (s *Server) ResetRequestLog() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.log.reset()
}

// delay waits for the configured latency; it reports false when the
// client gave up meanwhile.
func (s *Server) delay(r *http.Request) bool {
	s.faults.mu.Lock()
	d := s.faults.opts.Latency
	if j := s.faults.opts.Jitter; j > 0 {
		d += time.Duration(s.faults.rng.Int64N(int64(j) + 1))
	}
	s.faults.mu.Unlock()
	return s.sleep(r.Context(), d) == nil
}

// throttle is a Retry-After window: Graph refuses the client's calls to a
// workload until until. issued is when the refusal that opened it was
// sent, and refused the request ("METHOD path") it refused. Only a request
// sent after that ignored the Retry-After; one sent concurrently with the
// refused call could not know of it, and is refused too but not counted as
// an early retry. The refused request itself, sent again, is early at once;
// the client's other requests get inFlightAllowance, the time for the 429 to
// reach the client and for it to hold its other requests back (a guess: on
// loopback that is well under a millisecond, but a client under -race on a
// loaded machine was seen taking tens of milliseconds, and no client can
// recall a request it sent before the answer arrived).
type throttle struct {
	until   time.Time
	issued  time.Time
	refused string
}

// inFlightAllowance: see throttle.
const inFlightAllowance = 100 * time.Millisecond

// early reports whether request ("METHOD path"), which reached the emulator
// at sent, ignored the window.
func (t throttle) early(request string, sent time.Time) bool {
	if sent.Before(t.issued) {
		return false
	}
	return request == t.refused || !sent.Before(t.issued.Add(inFlightAllowance))
}

// injectGraphFault answers the request with a scripted or random fault, or
// with a renewed 429 when the client ignored an earlier Retry-After. It
// reports whether it answered.
func (s *Server) injectGraphFault(w http.ResponseWriter, r *http.Request, path string) bool {
	now := s.now()
	key := throttleKey(r, path)
	f := s.faults
	f.mu.Lock()
	status, retryAfter, early := f.decide(r.Method, path, key, now, requestInfo(r).start)
	if status != 0 && retryAfter > 0 && !early {
		if _, open := f.throttles[key]; !open {
			f.throttles[key] = throttle{until: now.Add(retryAfter), issued: now, refused: r.Method + " " + path}
		}
	}
	f.mu.Unlock()
	if status == 0 {
		return false
	}
	requestInfo(r).earlyRetry = early
	writeFault(w, r, status, retryAfter)
	return true
}

// decide picks the fault for one request; the caller holds f.mu.
func (f *faultInjector) decide(method, path, key string, now, sent time.Time) (status int, retryAfter time.Duration, early bool) {
	if t, ok := f.throttles[key]; ok {
		if now.Before(t.until) {
			// Graph keeps throttling the client on this workload.
			return http.StatusTooManyRequests, t.until.Sub(now), t.early(method+" "+path, sent)
		}
		delete(f.throttles, key)
	}
	for i := range f.opts.Scripted {
		sf := &f.opts.Scripted[i]
		if !sf.matches(method, path) {
			continue
		}
		sf.seen++
		times := max(sf.Times, 1)
		if sf.seen >= sf.Nth && sf.seen < sf.Nth+times {
			return sf.Status, sf.RetryAfter, false
		}
	}
	roll := f.rng.Float64()
	switch {
	case roll < f.opts.Rate429:
		return http.StatusTooManyRequests, f.randomRetryAfter(), false
	case roll < f.opts.Rate429+f.opts.Rate503:
		return http.StatusServiceUnavailable, f.randomRetryAfter(), false
	case roll < f.opts.Rate429+f.opts.Rate503+f.opts.Rate504:
		return http.StatusGatewayTimeout, 0, false
	}
	return 0, 0, false
}

// randomRetryAfter picks whole seconds in [RetryAfterMin, RetryAfterMax].
func (f *faultInjector) randomRetryAfter() time.Duration {
	lo := int64(math.Ceil(f.opts.RetryAfterMin.Seconds()))
	hi := int64(math.Ceil(f.opts.RetryAfterMax.Seconds()))
	if hi < lo {
		hi = lo
	}
	return time.Duration(lo+f.rng.Int64N(hi-lo+1)) * time.Second
}

// throttleKey identifies the client (by its bearer token) and the Graph
// workload (the first path segment), which is how Graph scopes throttling.
func throttleKey(r *http.Request, path string) string {
	sum := sha256.Sum256([]byte(r.Header.Get("Authorization")))
	workload := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
	workload, _, _ = strings.Cut(workload, "(")
	return hex.EncodeToString(sum[:8]) + "/" + strings.ToLower(workload)
}

// writeFault answers with Graph's error body for the injected status.
func writeFault(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	requestInfo(r).injected = true
	if retryAfter > 0 || status == http.StatusTooManyRequests {
		// Graph's Retry-After is a positive number of seconds ("Microsoft
		// Graph throttling guidance"); a 429 scripted without one still
		// advertises a second, without enforcing a throttle window.
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retryAfter.Seconds())))))
	}
	switch status {
	case http.StatusTooManyRequests:
		writeGraphError(w, r, status, "TooManyRequests", "Please retry again later.")
	case http.StatusServiceUnavailable:
		writeGraphError(w, r, status, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.")
	case http.StatusGatewayTimeout:
		writeGraphError(w, r, status, "gatewayTimeout", "The server did not receive a timely response from an upstream server.")
	default:
		writeGraphError(w, r, status, "injectedFault", fmt.Sprintf("Fault injected by the emulator (status %d).", status))
	}
}
