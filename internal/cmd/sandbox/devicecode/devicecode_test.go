package devicecode

import (
	"context"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdApprove(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdApprove(env.Factory, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "ABC123 --user rita.recruiter@contoso.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	if got.UserCode != "ABC123" || got.User != "rita.recruiter@contoso.onmicrosoft.com" || got.Decline {
		t.Fatalf("options = %+v", got)
	}
	err := cmdtest.Execute(NewCmdApprove(env.Factory, nil), "")
	if err == nil || !strings.Contains(err.Error(), "missing CODE") || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("err = %v", err)
	}
}
