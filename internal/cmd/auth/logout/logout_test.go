package logout

import (
	"context"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/authtest"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdLogout(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdLogout(env.Factory, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "--all"); err != nil {
		t.Fatal(err)
	}
	if got == nil || !got.All {
		t.Fatalf("options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdLogout(env.Factory, nil), "extra"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func signIn(t *testing.T, env *authtest.Env) {
	t.Helper()
	a, err := env.Factory.Auth()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(context.Background(), auth.LoginRequest{Mode: auth.ModeDeviceCode, Scopes: auth.Scopes{"User.Read"}}); err != nil {
		t.Fatal(err)
	}
}

func TestLogoutRun(t *testing.T) {
	env := authtest.NewSandbox(t, nil)
	signIn(t, env)
	env.IO.SetStdoutTTY(true)
	env.IO.DisableColor()
	if err := cmdtest.Execute(NewCmdLogout(env.Factory, nil), ""); err != nil {
		t.Fatal(err)
	}
	if want := "✓ Signed admin@contoso.onmicrosoft.com out of profile default.\n"; env.Out.String() != want {
		t.Errorf("stdout = %q, want %q", env.Out, want)
	}
	a, _ := env.Factory.Auth()
	if s, err := a.Session(); s != nil || err != nil {
		t.Errorf("after logout the session is %+v, %v", s, err)
	}
}

func TestLogoutAllRunScript(t *testing.T) {
	env := authtest.NewSandbox(t, nil)
	signIn(t, env)
	if err := cmdtest.Execute(NewCmdLogout(env.Factory, nil), "--all"); err != nil {
		t.Fatal(err)
	}
	if want := "default\tadmin@contoso.onmicrosoft.com\n"; env.Out.String() != want {
		t.Errorf("stdout = %q, want %q", env.Out, want)
	}
	env.Out.Reset()
	if err := cmdtest.Execute(NewCmdLogout(env.Factory, nil), "--all -o json"); err == nil && !strings.Contains(env.Out.String(), `"signedOut": []`) {
		t.Errorf("stdout = %q", env.Out)
	}
}
