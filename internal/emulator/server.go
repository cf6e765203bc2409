package emulator

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value serves the default Contoso seed
// with the real clock and no faults.
type Options struct {
	// Seed is the initial tenant; nil loads the built-in Contoso fixture.
	Seed *Seed
	// State, when set, is restored instead of seeding (a saved sandbox).
	State *State
	// Now is the emulator's clock; tests inject a fake one.
	Now func() time.Time
	// Sleep waits for injected latency; tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Faults configures latency, random errors and replication lag.
	Faults FaultOptions
	// AccessTokenLifetime is the lifetime of issued access tokens
	// (expires_in); zero means Entra's default, 3599 s. MSAL never caches a
	// token expiring within five minutes, so tests use <= 300 s to make
	// every silent call redeem the refresh token.
	AccessTokenLifetime time.Duration
	// RequestLogLimit keeps only the latest this many requests in the
	// request log (a ring); zero keeps them all, which tests and
	// benchmarks that count requests rely on. A long-running server sets
	// it (sandbox serve --request-log).
	RequestLogLimit int
	// ControlToken, when set, is the bearer token the control API
	// (/_emulator/...) requires: a served emulator reachable beyond
	// loopback must not let anyone approve sign-ins or reset the tenant.
	ControlToken string
}

// Server is the emulator: one http.Handler serving the Entra login endpoints
// under /{tenant}/..., Microsoft Graph under /v1.0 and /beta, and the
// emulator's own control API under /_emulator. All state is guarded by mu;
// handlers hold it for the whole state read or write, never while sleeping.
type Server struct {
	mu     sync.Mutex
	state  *State
	keys   *signingKeys
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	faults *faultInjector
	// tokenLifetime is the access token lifetime (Options.AccessTokenLifetime).
	tokenLifetime time.Duration
	// seed rebuilds the state on Reset; nil means the built-in Contoso seed.
	seed *Seed
	// controlOnce builds control, the /_emulator router (see control.go).
	controlOnce sync.Once
	control     *http.ServeMux
	// controlToken is Options.ControlToken.
	controlToken string
}

// New builds a Server from options.
func New(opts Options) (*Server, error) {
	s := &Server{now: opts.Now, sleep: opts.Sleep, seed: opts.Seed, tokenLifetime: opts.AccessTokenLifetime, controlToken: opts.ControlToken}
	if s.tokenLifetime <= 0 {
		s.tokenLifetime = DefaultAccessTokenLifetime
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sleep == nil {
		s.sleep = sleepContext
	}
	state := opts.State
	if state == nil {
		seed := opts.Seed
		if seed == nil {
			var err error
			if seed, err = DefaultSeed(); err != nil {
				return nil, err
			}
		}
		var err error
		if state, err = seed.Build(s.now()); err != nil {
			return nil, err
		}
	}
	keys, err := loadOrCreateKeys(state)
	if err != nil {
		return nil, err
	}
	s.state, s.keys = state, keys
	s.faults = newFaultInjector(opts.Faults, opts.RequestLogLimit)
	return s, nil
}

// Snapshot returns a deep copy of the state, for dumps and persistence.
func (s *Server) Snapshot() (*State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneState(s.state)
}

// Update runs fn with the state lock held; the control API and tests use it
// to change the tenant directly.
func (s *Server) Update(fn func(st *State) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.state)
}

// ReplaceState swaps in a state another process saved (the in-process
// sandbox shares one state file between concurrent teamsctl processes).
func (s *Server) ReplaceState(st *State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.SigningKey != s.state.SigningKey {
		keys, err := loadOrCreateKeys(st)
		if err != nil {
			return err
		}
		s.keys = keys
	}
	s.state = st
	return nil
}

// MarshalState encodes the whole state as JSON, for the sandbox state file.
func (s *Server) MarshalState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.MarshalIndent(s.state, "", " ")
}

func cloneState(st *State) (*State, error) {
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	var out State
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ServeHTTP routes a request to the login, Graph or control handlers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r, rc := withRequestContext(r, s.now())
	w.Header().Set("Date", rc.start.UTC().Format(http.TimeFormat))
	path := r.URL.Path
	if isGraphPath(path) {
		// Graph always answers with both ids (Graph's "Microsoft Graph
		// error responses and resource types" page, and every response).
		w.Header().Set("request-id", rc.requestID)
		w.Header().Set("client-request-id", rc.clientRequestID)
	} else {
		setLoginRequestHeaders(w, r, rc)
	}
	// The body is bounded before anything else is done with the request.
	if err := readBody(r); err != nil {
		writeBodyError(w, r, err)
		return
	}
	if strings.HasPrefix(path, "/_emulator/") {
		if s.authorizeControl(w, r) {
			s.serveControl(w, r, strings.TrimPrefix(path, "/_emulator"))
		}
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() { s.logRequest(r, rec.status) }()
	if !s.delay(r) {
		rec.status = 499 // the client went away during injected latency
		return
	}
	switch {
	case isGraphPath(path) && strings.HasPrefix(path, "/v1.0"):
		s.serveGraphWithFaults(rec, r, "v1.0", strings.TrimPrefix(path, "/v1.0"))
	case isGraphPath(path):
		s.serveGraphWithFaults(rec, r, "beta", strings.TrimPrefix(path, "/beta"))
	case isARMRequest(r):
		s.serveARM(rec, r)
	default:
		s.serveLogin(rec, r)
	}
}

// isGraphPath reports a path of the Graph tree (/v1.0 or /beta).
func isGraphPath(path string) bool {
	for _, v := range []string{"/v1.0", "/beta"} {
		if path == v || strings.HasPrefix(path, v+"/") {
			return true
		}
	}
	return false
}

// setLoginRequestHeaders sets the ids Entra's login endpoints answer with:
// the trace id as x-ms-request-id, and the caller's client-request-id
// (which Entra also reports as the correlation id) only when the client
// asks for it with return-client-request-id: true, as ADAL and MSAL.NET do;
// MSAL Go and Python send false. Observed in Entra responses; Microsoft
// documents the headers only in its protocol traces.
func setLoginRequestHeaders(w http.ResponseWriter, r *http.Request, rc *requestContext) {
	w.Header().Set("x-ms-request-id", rc.requestID)
	if strings.EqualFold(r.Header.Get("return-client-request-id"), "true") {
		w.Header().Set("client-request-id", rc.clientRequestID)
	}
}

// serveGraphWithFaults lets injected errors answer before Graph does.
func (s *Server) serveGraphWithFaults(w http.ResponseWriter, r *http.Request, version, path string) {
	if s.injectGraphFault(w, r, path) {
		return
	}
	s.serveGraph(w, r, version, path)
}

// statusRecorder remembers the status a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

// requestContext carries per-request ids for response headers and error
// bodies.
type requestContext struct {
	requestID       string
	clientRequestID string
	start           time.Time
	// injected and earlyRetry mark requests answered by the fault injector.
	injected   bool
	earlyRetry bool
}

type requestContextKey struct{}

func withRequestContext(r *http.Request, now time.Time) (*http.Request, *requestContext) {
	rc := &requestContext{requestID: NewGUIDRandom(), start: now}
	rc.clientRequestID = r.Header.Get("client-request-id")
	if rc.clientRequestID == "" {
		rc.clientRequestID = rc.requestID
	}
	return r.WithContext(context.WithValue(r.Context(), requestContextKey{}, rc)), rc
}

func requestInfo(r *http.Request) *requestContext {
	if rc, ok := r.Context().Value(requestContextKey{}).(*requestContext); ok {
		return rc
	}
	return &requestContext{requestID: NewGUIDRandom(), start: time.Now()}
}

// GraphErrorDetail is one entry of a Graph error's details array.
type GraphErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

// writeGraphError writes Graph's error envelope:
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
func writeGraphError(w http.ResponseWriter, r *http.Request, status int, code, message string, details ...GraphErrorDetail) {
	rc := requestInfo(r)
	body := map[string]any{
		"code":    code,
		"message": message,
		"innerError": map[string]any{
			"date":              rc.start.UTC().Format("2006-01-02T15:04:05"),
			"request-id":        rc.requestID,
			"client-request-id": rc.clientRequestID,
		},
	}
	if len(details) > 0 {
		body["details"] = details
	}
	writeJSON(w, status, map[string]any{"error": body})
}

// oauthError is an error of the token, devicecode and authorize endpoints.
type oauthError struct {
	Status   int    // 400, or 401 for invalid_client
	Error    string // invalid_grant, invalid_client, ...
	Code     int    // AADSTS number
	Message  string // text after "AADSTSnnnn: "
	SubError string // consent_required, basic_action, message_only, ...
	Claims   string
}

// writeOAuthError writes the Entra token endpoint's error JSON, including
// the "AADSTSnnnn: ..." description, trace and correlation ids.
func writeOAuthError(w http.ResponseWriter, r *http.Request, e oauthError) {
	rc := requestInfo(r)
	ts := rc.start.UTC().Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
		e.Code, e.Message, rc.requestID, rc.clientRequestID, ts)
	body := map[string]any{
		"error":             e.Error,
		"error_description": desc,
		"error_codes":       []int{e.Code},
		"timestamp":         ts,
		"trace_id":          rc.requestID,
		"correlation_id":    rc.clientRequestID,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", e.Code),
	}
	if e.SubError != "" {
		body["suberror"] = e.SubError
	}
	if e.Claims != "" {
		body["claims"] = e.Claims
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeLoginJSON(w, status, body)
}

// writeLoginJSON writes a JSON answer of the login endpoints, which Entra
// sends as plain application/json (no OData parameters: those are Graph's).
func writeLoginJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to report to
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to report to
}

// baseURL is the scheme and host the client used, for absolute URLs in
// responses (issuer, endpoints, @odata.nextLink). The emulator is always
// addressed over https because MSAL refuses anything else; the in-process
// sandbox transport keeps https URLs too.
func baseURL(r *http.Request) string {
	return "https://" + r.Host
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NewGUIDRandom returns a random GUID for request and trace ids, which need
// no determinism.
func NewGUIDRandom() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
