package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
)

const adminUPN = "admin@contoso.onmicrosoft.com"

// syncBuffer is a bytes.Buffer safe for the goroutines MSAL writes from.
// onWrite, when set, sees everything written so far after each write, so
// a test can act on a prompt as a user would.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	onWrite func(text string)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.b.Write(p)
	text, hook := s.b.String(), s.onWrite
	s.mu.Unlock()
	if hook != nil {
		hook(text)
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is an emulator over TLS plus what an Authenticator needs: a
// config directory, stderr and trace buffers, and a transport that lets a
// test play the user of the device-login page.
type harness struct {
	t      *testing.T
	env    *emutest.Env
	clock  *emutest.Clock
	dir    string
	caFile string
	errOut *syncBuffer
	trace  *syncBuffer
	device *deviceUser
	// seen collects every secret value the emulator handed out or
	// received, for the verbose-trace leak test.
	seen *secrets
}

func newHarness(t *testing.T, opts ...emulator.Options) *harness {
	t.Helper()
	c := emutest.NewClock(time.Now().UTC())
	o := emulator.Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Now = c.Now
	env := emutest.Start(t, o)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "emulator-ca.pem")
	if err := os.WriteFile(caFile, env.CACertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, env: env, clock: c, dir: dir, caFile: caFile, errOut: &syncBuffer{}, trace: &syncBuffer{},
		device: &deviceUser{server: env.Server, upn: adminUPN}, seen: &secrets{}}
}

// endpoints point at the emulator; the resource stays global Graph.
func (h *harness) endpoints() Endpoints {
	e, err := ResolveEndpoints(EndpointOptions{LoginURL: h.env.URL, GraphURL: h.env.GraphURL})
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

// httpClient is the production client (CA file, trace) with the test's
// observer underneath the trace.
func (h *harness) httpClient() *http.Client {
	base, err := networkTransport(h.caFile)
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := NewHTTPClient(HTTPOptions{Transport: &observer{base: base, device: h.device, seen: h.seen}, Trace: h.trace})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// auth returns a new Authenticator, as a new teamsctl invocation would
// build one; env is its environment.
func (h *harness) auth(env map[string]string, edit ...func(*Options)) *Authenticator {
	o := Options{
		Endpoints: h.endpoints(), HTTPClient: h.httpClient(), Dir: h.dir, Profile: "default",
		Tenant: "contoso.onmicrosoft.com", Getenv: func(k string) string { return env[k] },
		Now: h.clock.Now, ErrOut: h.errOut,
	}
	for _, e := range edit {
		e(&o)
	}
	return New(o)
}

// tokenRequests counts calls to the token endpoint so far.
func (h *harness) tokenRequests() int {
	n := 0
	for _, r := range h.env.Server.RequestLog() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}

// deviceUser plays the person at the device-login page: after the first
// "authorization_pending" poll it approves, declines or expires the code.
type deviceUser struct {
	server *emulator.Server
	upn    string
	mu     sync.Mutex
	code   string
	action string // approve (default), decline, expire, ignore
	acted  bool
	err    error
}

func (d *deviceUser) set(action string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.action, d.acted = action, false
}

func (d *deviceUser) sawUserCode(code string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.code, d.acted = code, false
}

func (d *deviceUser) sawPending() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.acted || d.code == "" {
		return
	}
	d.acted = true
	switch d.action {
	case "decline":
		d.err = d.server.DeclineDeviceCode(d.code)
	case "expire":
		d.err = d.server.ExpireDeviceCode(d.code)
	case "ignore":
	default:
		d.err = d.server.ApproveDeviceCode(d.code, d.upn)
	}
}

// observer watches token endpoint traffic: it drives deviceUser and
// records every secret value for the leak test.
type observer struct {
	base   http.RoundTripper
	device *deviceUser
	seen   *secrets
}

func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		o.seen.addForm(string(body))
	}
	resp, err := o.base.RoundTrip(req)
	if err != nil || !strings.Contains(req.URL.Path, "/oauth2/v2.0/") {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var fields map[string]any
	_ = json.Unmarshal(body, &fields)
	o.seen.addJSON(fields)
	if code, ok := fields["user_code"].(string); ok {
		o.device.sawUserCode(code)
	}
	if fields["error"] == "authorization_pending" {
		o.device.sawPending()
	}
	return resp, nil
}

// secrets collects values that must never appear in output.
type secrets struct {
	mu     sync.Mutex
	values map[string]bool
}

var secretFields = []string{"access_token", "refresh_token", "id_token", "device_code", "code", "client_secret", "client_assertion", "code_verifier"}

func (s *secrets) add(v string) {
	if len(v) < 8 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil {
		s.values = map[string]bool{}
	}
	s.values[v] = true
}

func (s *secrets) addForm(body string) {
	for _, pair := range strings.Split(body, "&") {
		k, v, _ := strings.Cut(pair, "=")
		for _, f := range secretFields {
			if k == f {
				if uv, err := url.QueryUnescape(v); err == nil {
					s.add(uv)
				}
			}
		}
	}
}

func (s *secrets) addJSON(fields map[string]any) {
	for _, f := range secretFields {
		if v, ok := fields[f].(string); ok {
			s.add(v)
		}
	}
}

func (s *secrets) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.values))
	for v := range s.values {
		out = append(out, v)
	}
	return out
}

// daemonApp registers a single-tenant confidential app in Contoso with a
// secret valid for secretLife and, when cert is set, a certificate; its
// service principal holds no application permissions (none are needed to
// get a token).
func (h *harness) daemonApp(secret string, secretLife time.Duration, cert *x509.Certificate) string {
	h.t.Helper()
	var appID string
	now := h.clock.Now()
	err := h.env.Server.Update(func(st *emulator.State) error {
		t := st.HomeTenant()
		appID = st.NewGUID()
		app := &emulator.Application{ID: st.NewGUID(), AppID: appID, DisplayName: "Daemon", SignInAudience: "AzureADMyOrg",
			PasswordCredentials: []*emulator.PasswordCredential{{KeyID: st.NewGUID(), SecretText: secret,
				StartDateTime: now.Add(-time.Hour), EndDateTime: now.Add(secretLife)}}}
		if cert != nil {
			app.KeyCredentials = []*emulator.KeyCredential{{KeyID: st.NewGUID(), Type: "AsymmetricX509Cert", Usage: "Verify",
				Key: cert.Raw, StartDateTime: now.Add(-time.Hour), EndDateTime: now.Add(24 * time.Hour)}}
		}
		t.Applications = append(t.Applications, app)
		t.ServicePrincipals = append(t.ServicePrincipals, &emulator.ServicePrincipal{ID: st.NewGUID(), AppID: appID,
			DisplayName: "Daemon", AppOwnerOrganizationID: t.ID, AccountEnabled: true, ServicePrincipalType: "Application",
			SignInAudience: "AzureADMyOrg", CreatedDateTime: now})
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return appID
}

// certificatePEM writes a self-signed certificate and its PKCS#8 key to a
// PEM file, as an admin would export them.
func (h *harness) certificatePEM() (*x509.Certificate, string) {
	h.t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		h.t.Fatal(err)
	}
	now := h.clock.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "teamsctl daemon"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		h.t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.t.TempDir(), "daemon.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	return cert, path
}
