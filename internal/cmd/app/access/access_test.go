package access

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdAccess(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdAccess(env.Factory, func(o *Options) error { got = o; return nil }), "EBMS --assignment-required=true --dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || got.Settings.AssignmentRequired == nil || !*got.Settings.AssignmentRequired || got.Settings.SignInEnabled != nil || !got.DryRun {
		t.Errorf("options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAccess(env.Factory, func(o *Options) error { got = o; return nil }), "EBMS --sign-in-enabled=false"); err != nil {
		t.Fatal(err)
	}
	if got.Settings.SignInEnabled == nil || *got.Settings.SignInEnabled || got.Settings.AssignmentRequired != nil {
		t.Errorf("settings = %+v", got.Settings)
	}
	for args, want := range map[string]string{
		"":                          "missing APP",
		"a b":                       `unexpected argument "b"`,
		"a --sign-in-enabled=maybe": `--sign-in-enabled: "maybe" is not true or false`,
		"a --assignment-required=":  `--assignment-required: "" is not true or false`,
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAccess(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
