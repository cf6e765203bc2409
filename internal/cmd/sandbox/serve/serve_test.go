package serve

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdServe(t *testing.T) {
	tests := []struct{ args, wantErr string }{
		{"--tls-cert c.pem", "--tls-cert and --tls-key go together"},
		{"--fault-rate 2", "--fault-rate 2: want a fraction between 0 and 1"},
		{"extra", `unexpected argument "extra"`},
		{"--large --seed t.yaml", "--large grows the built-in tenant"},
		{"--addr 0.0.0.0:0", "--addr 0.0.0.0:0: 0.0.0.0:0 is reachable from other machines"},
		{"--addr :8443", "--addr :8443: :8443 is reachable from other machines"},
		{"--addr myhost.example:8443", "is reachable from other machines"},
		{"--request-log 0", "--request-log 0: want the number of requests to keep, at least 1"},
	}
	for _, tt := range tests {
		env := cmdtest.New(t, "", nil)
		err := cmdtest.Execute(NewCmdServe(env.Factory, func(context.Context, *Options) error { return nil }), tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%s: err = %v, want usage error %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestFaultRateSplitsLikeGraph(t *testing.T) {
	opts := &Options{FaultRate: 0.5, RetryAfter: 2 * time.Second, Now: func() time.Time { return time.Unix(1, 0) }}
	f := opts.Faults()
	if f.Rate429 != 0.4 || f.Rate503 != 0.05 || f.Rate504 != 0.05 || f.RetryAfterMax != 2*time.Second {
		t.Fatalf("faults = %+v", f)
	}
}

func TestServeRunPrintsURLsAndStopsOnCancel(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve, print, then stop at once
	opts := &Options{IO: env.IO, Config: env.Factory.Config, Now: env.Factory.Now, Addr: "127.0.0.1:0", RetryAfter: time.Second}
	if err := serveRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	out := env.Out.String()
	for _, want := range []string{`"graphUrl": "https://127.0.0.1:`, `"TEAMSCTL_CA_FILE"`, `"tenantDomain": "contoso.onmicrosoft.com"`,
		`"managementUrl": "https://127.0.0.1:`, `"hosts": "127.0.0.1 login.microsoftonline.com graph.microsoft.com management.azure.com management.core.windows.net"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// With --allow-remote the control API requires the token printed at start,
// and stderr warns that the server may be reachable from other machines.
func TestAllowRemoteGuardsTheControlAPI(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	pr, pw := io.Pipe()
	env.IO.Out = pw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := &Options{IO: env.IO, Config: env.Factory.Config, Now: time.Now, Addr: "127.0.0.1:0", RetryAfter: time.Second,
		RequestLog: 10, AllowRemote: true}
	go func() { done <- serveRun(ctx, opts) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	var served Result
	if err := json.NewDecoder(pr).Decode(&served); err != nil {
		stop()
		t.Fatalf("reading the printed result: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	defer func() {
		if ctx.Err() == nil {
			stop()
		}
	}()
	if len(served.ControlToken) < 20 {
		t.Fatalf("control token %q", served.ControlToken)
	}
	caPEM, err := os.ReadFile(served.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	status := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, served.LoginURL+"/_emulator/requests", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(""); got != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", got)
	}
	if got := status("wrong"); got != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d, want 401", got)
	}
	if got := status(served.ControlToken); got != http.StatusOK {
		t.Errorf("with the token: %d, want 200", got)
	}
	stop()
	if !strings.Contains(env.ErrOut.String(), "warning: --allow-remote:") {
		t.Errorf("stderr lacks the warning:\n%s", env.ErrOut)
	}
}
