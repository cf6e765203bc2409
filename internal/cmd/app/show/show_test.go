package show

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdShow(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdShow(env.Factory, func(o *Options) error { got = o; return nil }), "4f8197c9-3167-482c-a6a9-e36cb4c156ba"); err != nil {
		t.Fatal(err)
	}
	if got.App != "4f8197c9-3167-482c-a6a9-e36cb4c156ba" {
		t.Errorf("options = %+v", got)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdShow(env.Factory, func(*Options) error { return nil }), ""), "missing APP")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdShow(env.Factory, func(*Options) error { return nil }), "a b"), `unexpected argument "b"`)
}
