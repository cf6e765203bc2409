package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// graphClock is a settable clock for replication-lag tests.
type graphClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *graphClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *graphClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// graphEnv drives the Graph handlers in-process with plain net/http.
type graphEnv struct {
	t     *testing.T
	srv   *Server
	clock *graphClock
	// seen, when set, receives every request and its response.
	seen func(method, path string, res graphResult)
}

func newGraphEnv(t *testing.T, faults FaultOptions) *graphEnv {
	t.Helper()
	clock := &graphClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	srv, err := New(Options{Now: clock.Now, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	return &graphEnv{t: t, srv: srv, clock: clock}
}

func (g *graphEnv) token(upn string, scopes ...string) string {
	g.t.Helper()
	tok, err := g.srv.IssueAccessToken(TokenRequest{UPN: upn, Scopes: scopes})
	if err != nil {
		g.t.Fatal(err)
	}
	return tok
}

func (g *graphEnv) appToken(appID string, roles ...string) string {
	g.t.Helper()
	tok, err := g.srv.IssueAccessToken(TokenRequest{ClientAppID: appID, Roles: roles})
	if err != nil {
		g.t.Fatal(err)
	}
	return tok
}

// graphResult is a decoded response.
type graphResult struct {
	Status int
	Header http.Header
	Body   map[string]any
	// Raw is the body as sent (numbers keep their JSON spelling).
	Raw []byte
}

// errCode returns error.code of an error body.
func (r graphResult) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r graphResult) errMessage() string {
	e, _ := r.Body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func (r graphResult) str(key string) string {
	s, _ := r.Body[key].(string)
	return s
}

func (r graphResult) values() []map[string]any {
	raw, _ := r.Body["value"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

// do sends method path (relative to the host, e.g. /v1.0/users) with an
// optional JSON body and extra header pairs.
func (g *graphEnv) do(method, path, token string, body any, header ...string) graphResult {
	g.t.Helper()
	var reader *bytes.Reader
	switch b := body.(type) {
	case nil:
		reader = bytes.NewReader(nil)
	case string:
		reader = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			g.t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, "https://graph.test"+strings.ReplaceAll(path, " ", "%20"), reader)
	req.Host = "graph.test"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	g.srv.ServeHTTP(rec, req)
	res := graphResult{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	if s := strings.TrimSpace(rec.Body.String()); s != "" {
		if err := json.Unmarshal([]byte(s), &res.Body); err != nil {
			g.t.Fatalf("%s %s: body is not JSON: %q", method, path, s)
		}
	}
	if g.seen != nil {
		g.seen(method, path, res)
	}
	return res
}

// must fails unless the response has the wanted status.
func (g *graphEnv) must(want int, res graphResult) graphResult {
	g.t.Helper()
	if res.Status != want {
		g.t.Fatalf("status %d, want %d; body %v", res.Status, want, res.Body)
	}
	return res
}

// tenant runs fn on the home tenant under the state lock.
func (g *graphEnv) tenant(fn func(t *Tenant)) {
	g.t.Helper()
	if err := g.srv.Update(func(st *State) error { fn(st.HomeTenant()); return nil }); err != nil {
		g.t.Fatal(err)
	}
}

func (g *graphEnv) userID(upn string) string {
	var id string
	g.tenant(func(t *Tenant) { id = t.UserByIDOrUPN(upn).ID })
	return id
}

func (g *graphEnv) spID(appID string) string {
	var id string
	g.tenant(func(t *Tenant) { id = t.ServicePrincipalByAppID(appID).ID })
	return id
}

const (
	upnAdmin    = "admin@contoso.onmicrosoft.com"
	upnAppAdmin = "appadmin@contoso.onmicrosoft.com"
	upnRita     = "rita.recruiter@contoso.onmicrosoft.com"
	upnNoTeams  = "nolicense@contoso.onmicrosoft.com"
)

func toJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// userIDIn is the object id of a user of the given tenant.
func (g *graphEnv) userIDIn(tenantID, upn string) string {
	g.t.Helper()
	var id string
	if err := g.srv.Update(func(st *State) error {
		id = st.TenantByIDOrDomain(tenantID).UserByIDOrUPN(upn).ID
		return nil
	}); err != nil {
		g.t.Fatal(err)
	}
	return id
}
