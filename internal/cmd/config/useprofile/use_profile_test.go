package useprofile

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const twoProfiles = "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n  fabrikam:\n    tenant: fabrikam.onmicrosoft.com\n"

func TestNewCmdUseProfile(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdUseProfile(env.Factory, func(o *Options) error { got = o; return nil }), "fabrikam"); err != nil || got.Profile != "fabrikam" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for args, want := range map[string]string{"": "use-profile: missing NAME", "../etc": `profile name "../etc" must start with`} {
		err := cmdtest.Execute(NewCmdUseProfile(env.Factory, nil), args)
		if err == nil || !strings.Contains(err.Error(), want) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%q: got %v, want usage error %q", args, err, want)
		}
	}
}

func TestUseProfileRun(t *testing.T) {
	env := cmdtest.New(t, twoProfiles, nil)
	env.IO.SetStdoutTTY(true)
	env.IO.DisableColor()
	if err := cmdtest.Execute(NewCmdUseProfile(env.Factory, nil), "fabrikam"); err != nil {
		t.Fatal(err)
	}
	if got := env.ReadConfig(t); !strings.HasPrefix(got, "current-profile: fabrikam\n") {
		t.Errorf("config.yaml is\n%s", got)
	}
	if env.Out.String() != "✓ Switched to profile fabrikam\n" {
		t.Errorf("stdout %q", env.Out)
	}
}

// default exists without being written: switching back to it works.
func TestUseProfileRunImplicitDefault(t *testing.T) {
	env := cmdtest.New(t, "profiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\ncurrent-profile: contoso\n", nil)
	if err := cmdtest.Execute(NewCmdUseProfile(env.Factory, nil), "default"); err != nil {
		t.Fatal(err)
	}
	if got := env.ReadConfig(t); !strings.Contains(got, "current-profile: default\n") {
		t.Errorf("config.yaml is\n%s", got)
	}
}

func TestUseProfileRunUnknownProfile(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"typo", twoProfiles, `profile "fabrkam" does not exist; profiles: contoso, fabrikam`},
		{"no file", "", `profile "fabrkam" does not exist; `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, tt.file, nil)
			err := cmdtest.Execute(NewCmdUseProfile(env.Factory, nil), "fabrkam")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if hint := cmdutil.HintFor(err); hint != "Create it with: teamsctl config set tenant TENANT --profile fabrkam" {
				t.Errorf("hint %q", hint)
			}
		})
	}
}
