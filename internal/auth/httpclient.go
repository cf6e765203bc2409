package auth

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/teamsctl/teamsctl/internal/httplog"
)

// HTTPOptions configure the one HTTP client MSAL and Graph share.
type HTTPOptions struct {
	// CAFile is a PEM bundle of extra certificate authorities to trust,
	// e.g. a TLS-inspecting proxy's or a test emulator's.
	CAFile string
	// Transport replaces the network transport (the sandbox serves
	// requests in-process); CAFile does not apply to it.
	Transport http.RoundTripper
	// Trace, when set, receives the -v trace of every request.
	Trace io.Writer
	Now   func() time.Time
}

// requestTimeout bounds one request; MSAL adds its own 30 s default only
// when the context has no deadline.
const requestTimeout = 100 * time.Second

// NewHTTPClient builds the shared client. It never follows redirects: an
// OAuth redirect carries a code meant for the loopback listener, and Graph
// redirects are handled by the SDK's middleware.
func NewHTTPClient(o HTTPOptions) (*http.Client, error) {
	transport := o.Transport
	if transport == nil {
		t, err := networkTransport(o.CAFile)
		if err != nil {
			return nil, err
		}
		transport = t
	}
	if o.Trace != nil {
		now := o.Now
		if now == nil {
			now = time.Now
		}
		transport = &httplog.Transport{Base: transport, Out: o.Trace, Now: now}
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// networkTransport is Go's default transport, trusting caFile's
// authorities in addition to the system's.
func networkTransport(caFile string) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if caFile == "" {
		return t, nil
	}
	pool, err := certPool(caFile)
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return t, nil
}

func certPool(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading --ca-file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool() // no system pool (some Windows setups): the file's CAs alone
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-file %s holds no PEM certificates", caFile)
	}
	return pool, nil
}
