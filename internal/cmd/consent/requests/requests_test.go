package requests

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdDecide(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *DecideOptions
	capture := func(o *DecideOptions) error { got = o; return nil }
	if err := cmdtest.Execute(NewCmdApprove(env.Factory, capture), "Vendor --reason ok"); err != nil || got.Request != "Vendor" || got.Reason != "ok" {
		t.Fatalf("approve: %v %+v", err, got)
	}
	if err := cmdtest.Execute(NewCmdApprove(env.Factory, capture), "Vendor --yes"); err != nil || !got.Yes {
		t.Fatalf("approve --yes: %v %+v", err, got)
	}
	if err := cmdtest.Execute(NewCmdApprove(env.Factory, capture), "Vendor"); err != nil || got.Reason != "" {
		t.Fatalf("approve without reason: %v %+v", err, got)
	}
	if err := cmdtest.Execute(NewCmdDeny(env.Factory, capture), "req-1 --reason no"); err != nil || got.Request != "req-1" || got.Reason != "no" {
		t.Fatalf("deny: %v %+v", err, got)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdDeny(env.Factory, capture), "req-1"), "--reason is required to deny")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdDeny(env.Factory, capture), "req-1 --reason="), "--reason is required to deny")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdApprove(env.Factory, capture), ""), "missing REQUEST")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdList(env.Factory, func(*ListOptions) error { return nil }), "x"), `unexpected argument "x"`)
}
