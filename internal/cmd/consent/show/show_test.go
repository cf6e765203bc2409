package show

import (
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdShow(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdShow(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "EBMS --users --delegated User.Read,Calendars.ReadWrite --delegated offline_access --application User.Read.All"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || !got.Users || !slices.Equal(got.Delegated, []string{"User.Read", "Calendars.ReadWrite", "offline_access"}) ||
		!slices.Equal(got.Application, []string{"User.Read.All"}) {
		t.Errorf("options = %+v", got)
	}
	for args, want := range map[string]string{
		"":                         "missing APP",
		"a b":                      `unexpected argument "b"`,
		"a --delegated User.Read!": "--delegated",
		"a --application Role&":    "--application",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdShow(env.Factory, func(*Options) error { return nil }), args), want)
	}
}

func TestMissing(t *testing.T) {
	got := missing([]string{"User.Read", "Calendars.ReadWrite"}, []string{"user.read"})
	if !slices.Equal(got, []string{"Calendars.ReadWrite"}) {
		t.Errorf("missing = %v", got)
	}
	if got := missing(nil, []string{"User.Read"}); got == nil || len(got) != 0 {
		t.Errorf("missing(nil) = %#v, want an empty list (JSON [])", got)
	}
}
