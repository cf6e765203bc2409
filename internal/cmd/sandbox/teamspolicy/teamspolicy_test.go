package teamspolicy

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/emulator"
)

const app = "11111111-2222-3333-4444-555555555555"

func TestGrantValidatesTarget(t *testing.T) {
	tests := []struct{ args, wantErr string }{
		{"--app nope --global", `--app "nope": want the app's application (client) id`},
		{"--app " + app, "give either --user UPN or --global"},
		{"--app " + app + " --global --user a@b.c", "give either --user UPN or --global"},
	}
	for _, tt := range tests {
		env := cmdtest.New(t, "", nil)
		err := cmdtest.Execute(newCmdGrant(env.Factory, func(context.Context, *Options) error { return nil }), tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%s: err = %v, want usage error %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestGrantUserThenGlobalThenRevoke(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	run := func(cmd string) []emulator.TeamsAccessPolicy {
		t.Helper()
		env.Out.Reset()
		root := NewCmdTeamsPolicy(env.Factory)
		if err := cmdtest.Execute(root, cmd); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		var got []emulator.TeamsAccessPolicy
		if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
			t.Fatalf("%s printed %q", cmd, env.Out.String())
		}
		return got
	}
	got := run("grant --app " + app + " --user rita.recruiter@contoso.onmicrosoft.com")
	if len(got) != 1 || len(got[0].Users) != 1 || got[0].AppIDs[0] != app {
		t.Fatalf("after grant: %+v", got)
	}
	got = run("grant --app " + app + " --global")
	if !got[0].Global {
		t.Fatalf("after global grant: %+v", got[0])
	}
	got = run("revoke --app " + app)
	if len(got[0].AppIDs) != 0 {
		t.Fatalf("after revoke: %+v", got[0])
	}
	if err := cmdtest.Execute(NewCmdTeamsPolicy(env.Factory), "revoke --app "+app); err == nil || !strings.Contains(err.Error(), "no Teams application access policy names app") {
		t.Fatalf("second revoke: %v", err)
	}
}

func TestGrantUnknownUser(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	err := cmdtest.Execute(NewCmdTeamsPolicy(env.Factory), "grant --app "+app+" --user nobody@contoso.onmicrosoft.com")
	if err == nil || !strings.Contains(err.Error(), `no user "nobody@contoso.onmicrosoft.com"`) {
		t.Fatalf("err = %v", err)
	}
}
