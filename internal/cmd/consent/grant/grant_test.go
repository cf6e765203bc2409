package grant

import (
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdGrant(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdGrant(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "EBMS --delegated User.Read,Calendars.ReadWrite --user rita@contoso.com --resource graph --dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || !slices.Equal(got.Delegated, []string{"User.Read", "Calendars.ReadWrite"}) || got.User != "rita@contoso.com" ||
		got.Resource != "graph" || !got.DryRun || len(got.Application) != 0 {
		t.Errorf("options = %+v", got)
	}
	for args, want := range map[string]string{
		"":                         "missing APP",
		"a b":                      `unexpected argument "b"`,
		"a --delegated User.Read!": "--delegated",
		"a --application Role&":    "--application",
		"a --application User.Read.All --user u@x":      "--user applies to delegated permissions only",
		"a --delegated User.Read --resource sharepoint": `--resource: "sharepoint" is neither`,
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdGrant(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
