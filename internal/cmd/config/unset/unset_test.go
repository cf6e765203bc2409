package unset

import (
	"os"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const contoso = "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n    cloud: usgov\n"

func TestNewCmdUnset(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdUnset(env.Factory, func(o *Options) error { got = o; return nil }), "cloud"); err != nil || got.Key != "cloud" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for args, want := range map[string]string{"": "unset: missing KEY", "colour": `unknown config key "colour"`} {
		err := cmdtest.Execute(NewCmdUnset(env.Factory, nil), args)
		if err == nil || !strings.Contains(err.Error(), want) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%q: got %v, want usage error %q", args, err, want)
		}
	}
}

func TestUnsetRun(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		wantFile string
		wantOut  string
	}{
		{"removes the key", "cloud", "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n",
			"✓ Removed cloud from profile contoso\n"},
		{"missing key leaves the file alone", "login-url", contoso, "! login-url was not set in profile contoso\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, contoso, nil)
			env.IO.SetStdoutTTY(true)
			env.IO.DisableColor()
			if err := cmdtest.Execute(NewCmdUnset(env.Factory, nil), tt.key); err != nil {
				t.Fatal(err)
			}
			if got := env.ReadConfig(t); got != tt.wantFile {
				t.Errorf("config.yaml is\n%s\nwant\n%s", got, tt.wantFile)
			}
			if env.Out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", env.Out, tt.wantOut)
			}
		})
	}
}

func TestUnsetWithoutFileCreatesNothing(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	if err := cmdtest.Execute(NewCmdUnset(env.Factory, nil), "tenant"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(env.ConfigPath); !os.IsNotExist(err) {
		t.Errorf("unset of nothing should not create %s", env.ConfigPath)
	}
}
