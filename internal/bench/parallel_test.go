package bench

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// Runs started together for one integration must end as one run would:
// one app registration (Graph's upsert on its uniqueName), one enterprise
// app, one grant, every run exiting 0, and every secret a run handed out
// still valid (no run removes another live run's secret as an interrupted
// run's). Checked in process and as processes over HTTPS against
// `teamsctl sandbox serve`.

const parallelRuns = 5

const elevatoApp = "elevato - MS Teams integration"

func parallelSetupArgs(dir string, k int) []string {
	return []string{"setup", "elevato", "--instance", "https://acme.elevato.net", "--skip-test",
		"--handoff", filepath.Join(dir, fmt.Sprintf("h%d.json", k))}
}

func parallelAppCreateArgs(dir string, k int) []string {
	return []string{"app", "create", "--name", elevatoApp,
		"--redirect-uri", "https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx",
		"--delegated", "User.Read,OnlineMeetings.ReadWrite", "--secret", "--grant-consent",
		"--handoff", filepath.Join(dir, fmt.Sprintf("a%d.json", k))}
}

// tenantView is what the checks need of the emulator and its login.
type tenantView struct {
	state    func() *emulator.State
	loginURL string
	client   *http.Client
}

// checkConverged asserts one app named elevatoApp, its one enterprise app
// and one tenant-wide grant, and that every hand-off file's secret signs
// in (client credentials).
func checkConverged(t *testing.T, v tenantView, handoffs []string) {
	t.Helper()
	home := v.state().HomeTenant()
	var apps []*emulator.Application
	for _, a := range home.Applications {
		if a.DisplayName == elevatoApp {
			apps = append(apps, a)
		}
	}
	if len(apps) != 1 {
		t.Fatalf("%d app registrations named %q, want 1", len(apps), elevatoApp)
	}
	if apps[0].UniqueName == "" {
		t.Error("the app has no uniqueName")
	}
	var sps []*emulator.ServicePrincipal
	for _, sp := range home.ServicePrincipals {
		if strings.EqualFold(sp.AppID, apps[0].AppID) {
			sps = append(sps, sp)
		}
	}
	if len(sps) != 1 {
		t.Fatalf("%d enterprise apps for %s, want 1", len(sps), apps[0].AppID)
	}
	grants := 0
	for _, g := range home.Grants {
		if strings.EqualFold(g.ClientID, sps[0].ID) {
			grants++
		}
	}
	if grants != 1 {
		t.Errorf("%d grants for the enterprise app, want 1", grants)
	}
	secrets := 0
	for _, path := range handoffs {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("hand-off %s: %v", path, err)
			continue
		}
		var h struct {
			TenantID     string `json:"tenantId"`
			ClientID     string `json:"clientId"`
			ClientSecret string `json:"clientSecret"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Errorf("hand-off %s: %v", path, err)
			continue
		}
		if h.ClientID != apps[0].AppID {
			t.Errorf("hand-off %s names client %s, want %s", path, h.ClientID, apps[0].AppID)
		}
		if h.ClientSecret == "" {
			continue // this run found the secret another run had made
		}
		secrets++
		if err := signIn(v, h.TenantID, h.ClientID, h.ClientSecret); err != nil {
			t.Errorf("the secret in %s: %v", path, err)
		}
	}
	if secrets == 0 {
		t.Error("no run handed out a secret")
	}
	if len(apps[0].PasswordCredentials) < secrets {
		t.Errorf("the app has %d secrets, %d were handed out", len(apps[0].PasswordCredentials), secrets)
	}
}

// signIn gets an app-only token with the secret, as the vendor would.
func signIn(v tenantView, tenant, clientID, secret string) error {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret},
		"scope": {"https://graph.microsoft.com/.default"}}
	resp, err := v.client.PostForm(v.loginURL+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"access_token"`) {
		return fmt.Errorf("client credentials sign-in: %d %s", resp.StatusCode, body)
	}
	return nil
}

// runParallel runs n command lines at once and wants every one to exit 0.
func runParallel(t *testing.T, n int, run func(k int) (code int, stderr string)) {
	t.Helper()
	codes, stderrs := make([]int, n), make([]string, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() { codes[k], stderrs[k] = run(k) })
	}
	wg.Wait()
	for k := range n {
		if codes[k] != 0 {
			t.Errorf("run %d exited %d:\n%s", k, codes[k], stderrs[k])
		}
	}
}

func inProcessView(e *Env) tenantView {
	return tenantView{
		state: func() *emulator.State {
			st, err := e.Emu.Server.Snapshot()
			if err != nil {
				e.TB.Fatal(err)
			}
			return st
		},
		loginURL: e.Emu.URL, client: e.Emu.HTTPClient(),
	}
}

// TestParallelSetupConverges runs parallelRuns `setup elevato` at once in
// this process, sharing the configuration directory (and so the journal),
// with replication lag, then once more.
func TestParallelSetupConverges(t *testing.T) {
	e := Start(t, Options{Real: true, Latency: 2 * time.Millisecond, Faults: emulator.FaultOptions{ReplicationLag: 300 * time.Millisecond}})
	var handoffs []string
	for k := range parallelRuns {
		handoffs = append(handoffs, parallelSetupArgs(e.Dir, k)[6])
	}
	runParallel(t, parallelRuns, func(k int) (int, string) {
		r := e.Run(t.Context(), parallelSetupArgs(e.Dir, k)...)
		return r.Code, r.Stderr
	})
	checkConverged(t, inProcessView(e), handoffs)
	// Later runs find one app, not "2 app registrations are named".
	again := e.Run(t.Context(), "setup", "elevato", "--instance", "https://acme.elevato.net", "--skip-test")
	if again.Code != 0 {
		t.Fatalf("setup after the parallel runs exited %d: %s", again.Code, again.Stderr)
	}
}

// TestParallelAppCreateConverges is the same for app create.
func TestParallelAppCreateConverges(t *testing.T) {
	e := Start(t, Options{Real: true, Latency: 2 * time.Millisecond, Faults: emulator.FaultOptions{ReplicationLag: 300 * time.Millisecond}})
	var handoffs []string
	for k := range parallelRuns {
		args := parallelAppCreateArgs(e.Dir, k)
		handoffs = append(handoffs, args[len(args)-1])
	}
	runParallel(t, parallelRuns, func(k int) (int, string) {
		r := e.Run(t.Context(), parallelAppCreateArgs(e.Dir, k)...)
		return r.Code, r.Stderr
	})
	checkConverged(t, inProcessView(e), handoffs)
}

// served is `teamsctl sandbox serve` running as a process of its own.
type served struct {
	LoginURL     string `json:"loginUrl"`
	GraphURL     string `json:"graphUrl"`
	TenantDomain string `json:"tenantDomain"`
	CAFile       string `json:"caFile"`
	client       *http.Client
}

// startServe starts `teamsctl sandbox serve` on a free loopback port and
// returns what it printed; it is stopped when the test ends.
func startServe(t *testing.T, e *Env, extra ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := e.Command(ctx, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "-o", "json"}, extra...)...)
	p.Cmd.Stdout = nil
	out, err := p.Cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = p.Cmd.Wait()
	})
	var s served
	dec := json.NewDecoder(bufio.NewReader(out))
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("reading what sandbox serve printed: %v (stderr: %s)", err, p.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	s.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return &s
}

// token signs the admin in by device code, approving through the
// control API, and returns the access token.
func (s *served) token(t *testing.T) string {
	t.Helper()
	const client = "14d82eec-204b-4c2f-b7e8-296a70dab67e" // Microsoft Graph Command Line Tools
	tenant := s.LoginURL + "/" + s.TenantDomain
	post := func(u string, form url.Values) map[string]any {
		t.Helper()
		resp, err := s.client.PostForm(u, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		return body
	}
	scopes := make([]string, len(AdminScopes))
	for i, sc := range AdminScopes {
		scopes[i] = "https://graph.microsoft.com/" + sc
	}
	code := post(tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {client}, "scope": {strings.Join(scopes, " ")}})
	userCode, _ := code["user_code"].(string)
	resp, err := s.client.Post(s.LoginURL+"/_emulator/devicecodes/"+userCode+"/approve", "application/json",
		strings.NewReader(`{"user":"`+Admin+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tok := post(tenant+"/oauth2/v2.0/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
		"client_id": {client}, "device_code": {fmt.Sprint(code["device_code"])}})
	access, _ := tok["access_token"].(string)
	if access == "" {
		t.Fatalf("device code sign-in: %v", tok)
	}
	return access
}

func (s *served) view(t *testing.T) tenantView {
	return tenantView{
		state: func() *emulator.State {
			resp, err := s.client.Get(s.LoginURL + "/_emulator/state")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var st emulator.State
			if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
				t.Fatal(err)
			}
			return &st
		},
		loginURL: s.LoginURL, client: s.client,
	}
}

// TestParallelSetupOverServe runs parallelRuns `setup elevato` as
// processes of their own over HTTPS against `teamsctl sandbox serve`
// (with replication lag), sharing one configuration directory, then the
// same for app create.
func TestParallelSetupOverServe(t *testing.T) {
	if testing.Short() {
		t.Skip("processes")
	}
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	e := Start(t, Options{Real: true, Latency: time.Millisecond})
	s := startServe(t, e, "--replication-lag", "300ms")
	e.Setenv("TEAMSCTL_LOGIN_URL", s.LoginURL)
	e.Setenv("TEAMSCTL_GRAPH_URL", s.GraphURL)
	e.Setenv("TEAMSCTL_CA_FILE", s.CAFile)
	e.Setenv("TEAMSCTL_ACCESS_TOKEN", s.token(t))

	var setups, creates []string
	for k := range parallelRuns {
		setups = append(setups, parallelSetupArgs(e.Dir, k)[6])
		args := parallelAppCreateArgs(e.Dir, k)
		creates = append(creates, args[len(args)-1])
	}
	runParallel(t, parallelRuns, func(k int) (int, string) {
		p := e.RunProcess(t.Context(), parallelSetupArgs(e.Dir, k)...)
		return p.Code, p.Stderr
	})
	checkConverged(t, s.view(t), setups)

	// app create of the same integration's name: the app made by setup
	// has another uniqueName (preset and instance), and is found by name.
	runParallel(t, parallelRuns, func(k int) (int, string) {
		p := e.RunProcess(t.Context(), parallelAppCreateArgs(e.Dir, k)...)
		return p.Code, p.Stderr
	})
	// Both rounds' secrets are still valid.
	checkConverged(t, s.view(t), append(setups, creates...))
}

// TestThrottledParallelSetupOverServe is the HTTPS half of the claims
// "no early retry" and "converges under concurrency" together: parallel
// `setup` processes against `teamsctl sandbox serve` with a fifth of Graph's
// answers failing (429 and 503 with Retry-After, as TestSoak) and
// replication lag. A 504 is left out: on a POST it may have been processed,
// so the run stops and a re-run converges (TestKilled*) rather than risk a
// duplicate.
// Each process signs in on its own (its own token), as separate admins'
// runs do: the emulator keeps a Retry-After window per token, so a request
// sent after its process was told to wait is an early retry.
func TestThrottledParallelSetupOverServe(t *testing.T) {
	if testing.Short() {
		t.Skip("processes")
	}
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	const runs = 3
	e := Start(t, Options{Real: true, Latency: time.Millisecond})
	s := startServe(t, e)
	faults := `{"rate429": 0.16, "rate503": 0.04, "retryAfterMax": 1000000000, "replicationLag": 300000000}`
	req, err := http.NewRequest(http.MethodPut, s.LoginURL+"/_emulator/faults", strings.NewReader(faults))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setting the faults: %s", resp.Status)
	}
	e.Setenv("TEAMSCTL_LOGIN_URL", s.LoginURL)
	e.Setenv("TEAMSCTL_GRAPH_URL", s.GraphURL)
	e.Setenv("TEAMSCTL_CA_FILE", s.CAFile)
	tokens := make([]string, runs)
	for k := range tokens {
		tokens[k] = s.token(t)
	}
	var handoffs []string
	for k := range runs {
		handoffs = append(handoffs, parallelSetupArgs(e.Dir, k)[6])
	}
	runParallel(t, runs, func(k int) (int, string) {
		p := e.Command(t.Context(), parallelSetupArgs(e.Dir, k)...)
		p.Cmd.Env = append(p.Cmd.Env, "TEAMSCTL_ACCESS_TOKEN="+tokens[k])
		start := time.Now()
		if err := p.Cmd.Start(); err != nil {
			t.Error(err)
			return -1, ""
		}
		r := p.Wait(start)
		return r.Code, r.Stderr
	})
	checkConverged(t, s.view(t), handoffs)

	log := s.requests(t)
	injected := 0
	for _, r := range log {
		if r.Injected {
			injected++
		}
		if r.EarlyRetry {
			t.Errorf("sent before its Retry-After had passed: %s %s", r.Method, r.Path)
		}
	}
	if injected == 0 {
		t.Errorf("no fault was injected in %d requests: the test proves nothing", len(log))
	}
	t.Logf("%d requests over HTTPS, %d faults injected", len(log), injected)
}

// requests reads the served emulator's request log.
func (s *served) requests(t *testing.T) []emulator.RequestRecord {
	t.Helper()
	resp, err := s.client.Get(s.LoginURL + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Value []emulator.RequestRecord }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Value
}
