package delete

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdDelete(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	if err := cmdtest.Execute(NewCmdDelete(env.Factory, func(o *Options) error { got = o; return nil }), "elevato -y --dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || !got.Yes || !got.DryRun {
		t.Errorf("options = %+v", got)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdDelete(env.Factory, func(*Options) error { return nil }), "--yes"), "missing APP")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdDelete(env.Factory, func(*Options) error { return nil }), "a b"), `unexpected argument "b"`)
}
