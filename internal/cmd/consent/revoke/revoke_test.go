package revoke

import (
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdRevoke(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdRevoke(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "EBMS --delegated Calendars.ReadWrite --user rita@contoso.com --dry-run -y"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || !slices.Equal(got.Delegated, []string{"Calendars.ReadWrite"}) || got.User != "rita@contoso.com" || !got.DryRun || !got.Yes {
		t.Errorf("options = %+v", got)
	}
	cmd = NewCmdRevoke(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "EBMS --all --application User.Read.All --delete-enterprise-app --yes"); err != nil {
		t.Fatal(err)
	}
	if !got.All || !slices.Equal(got.Application, []string{"User.Read.All"}) || !got.DeleteEnterpriseApp || !got.Yes {
		t.Errorf("options = %+v", got)
	}
	for args, want := range map[string]string{
		"":                              "missing APP",
		"a b --all":                     `unexpected argument "b"`,
		"a":                             "say what to revoke",
		"a --all --delegated User.Read": "--delegated and --all cannot be combined",
		"a --delegated User.Read!":      "--delegated",
		"a --application User.Read.All --user u@x":        "--user applies to delegated permissions only",
		"a --delete-enterprise-app --user u@x":            "--user applies to delegated permissions only",
		"a --all --resource sharepoint":                   `--resource: "sharepoint" is neither`,
		"a --all-application --application User.Read.All": "--application and --all-application cannot be combined",
		"a --all-application --user u@x":                  "--user applies to delegated permissions only",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdRevoke(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
