package fault

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

func TestNewCmdFault(t *testing.T) {
	tests := []struct {
		args    string
		want    emulator.FaultOptions
		wantErr string
	}{
		{args: "--replication-lag 5s", want: emulator.FaultOptions{ReplicationLag: 5 * time.Second, RetryAfterMax: time.Second}},
		{args: "--rate429 0.2 --latency 100ms", want: emulator.FaultOptions{Rate429: 0.2, Latency: 100 * time.Millisecond, RetryAfterMax: time.Second}},
		{args: "--rate503 1.5", wantErr: "--rate503 1.5: want a fraction between 0 and 1"},
		{args: "--fail POST", wantErr: `--fail "POST": want 4 fields`},
		{args: "--rate429 0.8 --rate503 0.5", wantErr: "--rate429, --rate503 and --rate504 add up to 1.3"},
		{args: "--rate504 NaN", wantErr: "--rate504 NaN: want a fraction between 0 and 1"},
		// Refused while parsing (the root command makes these exit 2).
		{args: "--replication-lag -5s", wantErr: `invalid argument "-5s" for "--replication-lag" flag: must be zero or more`},
		{args: "--latency -1ms", wantErr: `invalid argument "-1ms" for "--latency" flag: must be zero or more`},
		{args: "--jitter 2h", wantErr: `invalid argument "2h" for "--jitter" flag: must be at most 1h0m0s`},
		{args: "--retry-after -1s", wantErr: `invalid argument "-1s" for "--retry-after" flag: must be zero or more`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			env := cmdtest.New(t, "", nil)
			var got *Options
			cmd := NewCmdFault(env.Factory, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Execute(cmd, tt.args)
			if tt.wantErr != "" {
				parsing := strings.HasPrefix(tt.wantErr, "invalid argument")
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || (!parsing && cmdutil.ExitCode(err) != cmdutil.ExitUsage) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Faults.ReplicationLag != tt.want.ReplicationLag || got.Faults.Rate429 != tt.want.Rate429 ||
				got.Faults.Latency != tt.want.Latency || got.Faults.RetryAfterMax != tt.want.RetryAfterMax {
				t.Fatalf("faults = %+v, want %+v", got.Faults, tt.want)
			}
		})
	}
}

func TestParseScripted(t *testing.T) {
	sf, err := parseScripted("post /servicePrincipals 2 503")
	if err != nil || sf.Method != "POST" || sf.Path != "/servicePrincipals" || sf.Nth != 2 || sf.Status != 503 {
		t.Fatalf("got %+v, %v", sf, err)
	}
	for _, bad := range []string{"GET /x 0 503", "GET /x 1 200", "GET /x one 503"} {
		if _, err := parseScripted(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestFaultRunPersistsInTheSandbox(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	cmd := NewCmdFault(env.Factory, nil)
	if err := cmdtest.Execute(cmd, "--replication-lag 3s"); err != nil {
		t.Fatal(err)
	}
	var printed emulator.FaultOptions
	if err := json.Unmarshal(env.Out.Bytes(), &printed); err != nil || printed.ReplicationLag != 3*time.Second {
		t.Fatalf("printed %q (%v)", env.Out.String(), err)
	}
	cfg, _ := env.Factory.Config()
	sb, err := sandbox.OpenForConfig(context.Background(), cfg.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if got := sb.Server.Faults().ReplicationLag; got != 3*time.Second {
		t.Fatalf("persisted replication lag = %v", got)
	}
}
