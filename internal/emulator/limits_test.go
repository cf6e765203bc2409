package emulator

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

func serve(t *testing.T, srv *Server, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// gzipBomb is a body of about 1 MB that inflates to 1 GiB: one gzip member
// of 16 MiB of zeros, repeated (a gzip stream may hold several members,
// and readers inflate them all).
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if _, err := zw.Write(make([]byte, 16<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), 64)
}

func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// A gzip bomb POSTed without authentication is refused with Graph's 413
// after inflating at most the 4 MB limit, before authentication (an
// unauthenticated request would otherwise get 401).
func TestGzipBombIsRefusedWithoutInflatingIt(t *testing.T) {
	srv := newServer(t, Options{})
	bomb := gzipBomb(t)
	req := httptest.NewRequest(http.MethodPost, "https://graph.example/v1.0/applications", bytes.NewReader(bomb))
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/json")
	before := allocated()
	rec := serve(t, srv, req)
	grew := allocated() - before
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "Request entity too large") {
		t.Fatalf("%d %s, want 413 Request entity too large", rec.Code, rec.Body)
	}
	t.Logf("a %d KB gzip bomb (1 GiB inflated) allocated %d MB while refused", len(bomb)>>10, grew>>20)
	if grew > 64<<20 {
		t.Errorf("serving a %d-byte gzip bomb allocated %d MB; the limit is %d MB", len(bomb), grew>>20, MaxRequestBodyBytes>>20)
	}
}

func TestBodyLimit(t *testing.T) {
	srv := newServer(t, Options{})
	gz := func(n int) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(bytes.Repeat([]byte(" "), n))
		_ = zw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name     string
		body     io.Reader
		length   int64 // -1: unknown (chunked)
		encoding string
		want     int
	}{
		// Within the limit the request reaches Graph, which wants a token.
		{"4 MB", bytes.NewReader(make([]byte, MaxRequestBodyBytes)), MaxRequestBodyBytes, "", http.StatusUnauthorized},
		{"4 MB inflated", bytes.NewReader(gz(MaxRequestBodyBytes)), -1, "gzip", http.StatusUnauthorized},
		{"declared too long", strings.NewReader("{}"), MaxRequestBodyBytes + 1, "", http.StatusRequestEntityTooLarge},
		{"chunked too long", io.LimitReader(zeros{}, MaxRequestBodyBytes+1), -1, "", http.StatusRequestEntityTooLarge},
		{"inflates too long", bytes.NewReader(gz(MaxRequestBodyBytes + 1)), -1, "gzip", http.StatusRequestEntityTooLarge},
		{"not gzip", strings.NewReader("{}"), -1, "gzip", http.StatusBadRequest},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "https://graph.example/v1.0/applications", tt.body)
		req.ContentLength = tt.length
		if tt.encoding != "" {
			req.Header.Set("Content-Encoding", tt.encoding)
		}
		if rec := serve(t, srv, req); rec.Code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, rec.Code, rec.Body, tt.want)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// 4,000 unauthenticated requests with 16 KB paths leave a request log of
// RequestLogLimit records of bounded size, newest last, and a bounded
// /_emulator/requests answer.
func TestRequestLogIsARing(t *testing.T) {
	const limit, requests = 100, 4000
	srv := newServer(t, Options{RequestLogLimit: limit})
	long := strings.Repeat("a", 16<<10)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	heapBefore := m.HeapAlloc
	for i := range requests {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("https://graph.example/v1.0/r%d-%s", i, long), nil)
		if rec := serve(t, srv, req); rec.Code != http.StatusUnauthorized {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	log := srv.RequestLog()
	runtime.GC()
	runtime.ReadMemStats(&m)
	t.Logf("heap before %d MB, after %d requests %d MB", heapBefore>>20, requests, m.HeapAlloc>>20)
	if m.HeapAlloc > heapBefore && m.HeapAlloc-heapBefore > 8<<20 {
		t.Errorf("the heap grew by %d MB over %d requests", (m.HeapAlloc-heapBefore)>>20, requests)
	}
	if len(log) != limit {
		t.Fatalf("%d records, want %d", len(log), limit)
	}
	if !strings.HasPrefix(log[0].Path, fmt.Sprintf("/v1.0/r%d-", requests-limit)) || !strings.HasPrefix(log[limit-1].Path, fmt.Sprintf("/v1.0/r%d-", requests-1)) {
		t.Errorf("log runs from %.20s to %.20s, want the latest %d oldest first", log[0].Path, log[limit-1].Path, limit)
	}
	for _, r := range log {
		if len(r.Path) > maxLoggedPath+40 {
			t.Fatalf("a record keeps a %d-byte path", len(r.Path))
		}
	}
	rec := serve(t, srv, httptest.NewRequest(http.MethodGet, "https://graph.example/_emulator/requests", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() > limit*(maxLoggedPath+300) {
		t.Errorf("/_emulator/requests: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	srv.ResetRequestLog()
	serve(t, srv, httptest.NewRequest(http.MethodGet, "https://graph.example/v1.0/me", nil))
	if log := srv.RequestLog(); len(log) != 1 || log[0].Path != "/v1.0/me" {
		t.Errorf("after reset: %v", log)
	}
}

func TestControlAPINeedsTheTokenWhenSet(t *testing.T) {
	get := func(srv *Server, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "https://graph.example/_emulator/faults", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return serve(t, srv, req)
	}
	open := newServer(t, Options{})
	if rec := get(open, ""); rec.Code != http.StatusOK {
		t.Errorf("no token configured: %d", rec.Code)
	}
	guarded := newServer(t, Options{ControlToken: "s3cret-control-token"})
	for _, auth := range []string{"", "Bearer wrong", "Basic s3cret-control-token", "Bearer s3cret-control-token-and-more"} {
		rec := get(guarded, auth)
		if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: %d %s, want 401 with WWW-Authenticate", auth, rec.Code, rec.Body)
		}
	}
	if rec := get(guarded, "Bearer s3cret-control-token"); rec.Code != http.StatusOK {
		t.Errorf("right token: %d %s", rec.Code, rec.Body)
	}
	// Graph and the login endpoints keep their own authentication.
	rec := serve(t, guarded, httptest.NewRequest(http.MethodGet, "https://login.example/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("discovery with a control token set: %d", rec.Code)
	}
}
