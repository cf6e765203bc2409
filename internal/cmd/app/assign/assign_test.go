package assign

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdAssign(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdAssign(env.Factory, func(o *Options) error { got = o; return nil }), "EBMS --group Recruiters --dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || got.Group != "Recruiters" || got.User != "" || !got.DryRun || got.Remove {
		t.Errorf("assign options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdUnassign(env.Factory, func(o *Options) error { got = o; return nil }), "EBMS --user rita@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if got.User != "rita@contoso.com" || !got.Remove {
		t.Errorf("unassign options = %+v", got)
	}
	for args, want := range map[string]string{
		"--user u@x":                      "missing APP",
		"a b --user u@x":                  `unexpected argument "b"`,
		"a":                               "give exactly one of --user UPN or --group NAME",
		"a --user u@x --group Recruiters": "give exactly one of --user UPN or --group NAME",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAssign(env.Factory, func(*Options) error { return nil }), args), want)
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdUnassign(env.Factory, func(*Options) error { return nil }), args), want)
	}
}

func TestNewCmdAssignments(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *ListOptions
	if err := cmdtest.Execute(NewCmdAssignments(env.Factory, func(o *ListOptions) error { got = o; return nil }), "EBMS"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" {
		t.Errorf("options = %+v", got)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAssignments(env.Factory, func(*ListOptions) error { return nil }), ""), "missing APP")
}
