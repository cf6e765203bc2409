package serve

import (
	"context"
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
	for _, want := range []string{`"graphUrl": "https://127.0.0.1:`, `"TEAMSCTL_CA_FILE"`, `"tenantDomain": "contoso.onmicrosoft.com"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}
