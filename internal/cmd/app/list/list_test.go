package list

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdList(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdList(env.Factory, func(o *Options) error { got = o; return nil }), "--name elevato --page-size 20"); err != nil {
		t.Fatal(err)
	}
	if got.NamePrefix != "elevato" || got.PageSize != 20 {
		t.Errorf("options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdList(env.Factory, func(o *Options) error { got = o; return nil }), ""); err != nil || got.PageSize != 999 {
		t.Errorf("default page size = %d, %v", got.PageSize, err)
	}
	for args, want := range map[string]string{
		"extra":            `unexpected argument "extra"`,
		"--page-size 0":    "--page-size must be between 1 and 999",
		"--page-size 1000": "--page-size must be between 1 and 999",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdList(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
