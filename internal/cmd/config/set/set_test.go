package set

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdSet(t *testing.T) {
	tests := []struct {
		args     string
		want     Options
		wantErr  string
		wantHint string
	}{
		{args: "tenant contoso.onmicrosoft.com", want: Options{Key: "tenant", Value: "contoso.onmicrosoft.com"}},
		{args: "tenant", wantErr: "set: missing VALUE"},
		{args: "tennant x.com", wantErr: `unknown config key "tennant"; valid keys: tenant, cloud,`},
		{args: "cloud mars", wantErr: `cloud: "mars" is not one of global, usgov, usgovhigh, dod, china`,
			wantHint: "cloud: Microsoft cloud: global, usgov, usgovhigh, dod, china."},
		{args: "graph-url http://graph.example.com", wantErr: "http is allowed only for localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			env := cmdtest.New(t, "", nil)
			var got *Options
			err := cmdtest.Execute(NewCmdSet(env.Factory, func(o *Options) error { got = o; return nil }), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Fatalf("got %v, want usage error containing %q", err, tt.wantErr)
				}
				if tt.wantHint != "" && cmdutil.HintFor(err) != tt.wantHint {
					t.Errorf("hint %q, want %q", cmdutil.HintFor(err), tt.wantHint)
				}
				return
			}
			if err != nil || got.Key != tt.want.Key || got.Value != tt.want.Value {
				t.Errorf("got %+v, %v", got, err)
			}
		})
	}
}

func TestSetRun(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		env      map[string]string
		tty      bool
		args     string
		wantFile string
		wantOut  string
	}{
		{
			name:     "first write of a named profile leaves the current profile alone",
			env:      map[string]string{"TEAMSCTL_PROFILE": "contoso"},
			tty:      true,
			args:     "tenant contoso.onmicrosoft.com",
			wantFile: "profiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n",
			wantOut:  "✓ Set tenant to contoso.onmicrosoft.com in profile contoso\n",
		},
		{
			name:     "writes the selected profile only",
			file:     "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n",
			env:      map[string]string{"TEAMSCTL_PROFILE": "fabrikam"},
			args:     "sandbox 1",
			wantFile: "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n  fabrikam:\n    sandbox: true\n",
			wantOut:  "",
		},
		{
			name:     "json result",
			env:      map[string]string{"TEAMSCTL_OUTPUT": "json"},
			args:     "output json",
			wantFile: "profiles:\n  default:\n    output: json\n",
			wantOut:  "\"profile\": \"default\"",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, tt.file, tt.env)
			env.IO.SetStdoutTTY(tt.tty)
			env.IO.DisableColor()
			if err := cmdtest.Execute(NewCmdSet(env.Factory, nil), tt.args); err != nil {
				t.Fatal(err)
			}
			if got := env.ReadConfig(t); got != tt.wantFile {
				t.Errorf("config.yaml is\n%s\nwant\n%s", got, tt.wantFile)
			}
			if !strings.Contains(env.Out.String(), tt.wantOut) || (tt.wantOut == "" && env.Out.Len() > 0) {
				t.Errorf("stdout %q, want %q", env.Out, tt.wantOut)
			}
		})
	}
}
