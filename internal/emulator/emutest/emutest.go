// Package emutest starts the Entra + Microsoft Graph emulator over TLS for
// tests. It deliberately imports no Graph SDK, so command tests can use it
// without paying for the SDK's build.
package emutest

import (
	"crypto/x509"
	"encoding/pem"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// Env is a running emulator.
type Env struct {
	Server *emulator.Server
	// URL is the base, https://127.0.0.1:port.
	URL string
	// GraphURL is URL + "/v1.0", the Graph base URL clients use.
	GraphURL string
	// LoginURL is the authority of the home tenant, URL + "/" + TenantID
	// (MSAL's WithAuthority).
	LoginURL string
	// TenantID is the home tenant's id.
	TenantID string
	// CACertPEM and CertPool trust the emulator's TLS certificate.
	CACertPEM []byte
	CertPool  *x509.CertPool

	ts *httptest.Server
}

// Start runs an emulator (the default Contoso seed unless opts say
// otherwise) until the test ends.
func Start(t testing.TB, opts ...emulator.Options) *Env {
	t.Helper()
	var o emulator.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	return StartWrapped(t, o, nil)
}

// StartWrapped is Start with the emulator's handler wrapped by wrap (nil:
// unwrapped), for harnesses that observe every request, such as the
// benchmark's virtual clock.
func StartWrapped(t testing.TB, o emulator.Options, wrap func(http.Handler) http.Handler) *Env {
	t.Helper()
	srv, err := emulator.New(o)
	if err != nil {
		t.Fatalf("emutest: start emulator: %v", err)
	}
	var homeTenantID string // read in place: a snapshot of a large tenant costs seconds
	_ = srv.Update(func(st *emulator.State) error { homeTenantID = st.HomeTenant().ID; return nil })
	var handler http.Handler = srv
	if wrap != nil {
		handler = wrap(srv)
	}
	ts := httptest.NewUnstartedServer(handler)
	// The server's own errors (such as a client that hung up mid-handshake,
	// which the killed-process tests provoke) belong to the test's log, not
	// to the test binary's stderr.
	ts.Config.ErrorLog = log.New(testLogWriter{t}, "emulator: ", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	e := &Env{
		Server: srv, URL: ts.URL, GraphURL: ts.URL + "/v1.0", TenantID: homeTenantID,
		CACertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}),
		CertPool:  pool, ts: ts,
	}
	e.LoginURL = e.URL + "/" + e.TenantID
	return e
}

type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// HTTPClient returns a client that trusts the emulator.
func (e *Env) HTTPClient() *http.Client { return e.ts.Client() }

// Token mints a delegated Graph token for the user with the given scopes,
// as if clientAppID (empty: Microsoft Graph Command Line Tools) had signed
// them in. No sign-in rules are applied.
func (e *Env) Token(t testing.TB, upn, clientAppID string, scopes ...string) string {
	t.Helper()
	tok, err := e.Server.IssueAccessToken(emulator.TokenRequest{UPN: upn, ClientAppID: clientAppID, Scopes: scopes})
	if err != nil {
		t.Fatalf("emutest: token for %s: %v", upn, err)
	}
	return tok
}

// AppToken mints an app-only Graph token for the client's service
// principal with the given application roles.
func (e *Env) AppToken(t testing.TB, clientAppID string, roles ...string) string {
	t.Helper()
	tok, err := e.Server.IssueAccessToken(emulator.TokenRequest{ClientAppID: clientAppID, Roles: roles})
	if err != nil {
		t.Fatalf("emutest: app token for %s: %v", clientAppID, err)
	}
	return tok
}
