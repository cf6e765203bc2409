package login

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/authtest"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const appID = "0b5b6a4e-3c2d-4e1f-9a8b-7c6d5e4f3a2b"

func TestNewCmdLogin(t *testing.T) {
	tests := []struct {
		args    string
		env     map[string]string
		want    func(*Options) bool
		wantErr string
	}{
		{args: "", want: func(o *Options) bool { return o.mode() == auth.ModeBrowser && o.Scopes == nil }},
		{args: "", env: map[string]string{"SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 22"}, want: func(o *Options) bool { return o.mode() == auth.ModeDeviceCode }},
		{args: "--device-code --scopes User.Read,Application.ReadWrite.All", want: func(o *Options) bool {
			return o.mode() == auth.ModeDeviceCode && strings.Join(o.Scopes, " ") == "User.Read Application.ReadWrite.All"
		}},
		{args: "--scopes User.Read,,user.read", want: func(o *Options) bool { return len(o.Scopes) == 1 }},
		{args: "--service-principal --client-id " + appID + " --client-secret-stdin", want: func(o *Options) bool {
			return o.mode() == auth.ModeServicePrincipal && o.ClientSecretStdin
		}},
		{args: "--service-principal --client-id " + appID + " --certificate c.pem --certificate-password-stdin", want: func(o *Options) bool {
			return o.Certificate == "c.pem" && o.CertPasswordStdin
		}},
		{args: "--access-token-stdin", want: func(o *Options) bool { return o.mode() == auth.ModeAccessToken }},
		{args: "--device-code --service-principal", wantErr: "choose one of"},
		{args: "--service-principal", wantErr: "needs --client-id"},
		{args: "--client-secret-stdin", wantErr: "need --service-principal"},
		{args: "--service-principal --client-id " + appID + " --client-secret-stdin --certificate c.pem", wantErr: "not both"},
		{args: "--client-id nope", wantErr: "is not a GUID"},
		{args: "--scopes bad!", wantErr: "--scopes"},
		{args: "--service-principal --client-id " + appID + " --scopes User.Read", wantErr: "--scopes applies to user sign-ins"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			env := cmdtest.New(t, "", tt.env)
			var got *Options
			cmd := NewCmdLogin(env.Factory, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Execute(cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Errorf("exit code %d, want 2", cmdutil.ExitCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(got) {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

func TestLoginRunDeviceCode(t *testing.T) {
	for _, tty := range []bool{false, true} {
		env := authtest.NewSandbox(t, nil)
		env.IO.SetStdoutTTY(tty)
		env.IO.DisableColor()
		if err := cmdtest.Execute(NewCmdLogin(env.Factory, nil), "--device-code"); err != nil {
			t.Fatal(err)
		}
		want := "account\tadmin@contoso.onmicrosoft.com\ntenant\t" + env.Emulator.TenantID + "\nmode\tdevice-code\nclient\t" + auth.DefaultClientID + "\n"
		if tty {
			want = "✓ Signed in as admin@contoso.onmicrosoft.com to tenant " + env.Emulator.TenantID + " (device-code, client " + auth.DefaultClientID + ").\n"
		}
		if env.Out.String() != want {
			t.Errorf("tty=%v stdout = %q, want %q", tty, env.Out, want)
		}
	}
}

func TestLoginRunJSON(t *testing.T) {
	env := authtest.NewSandbox(t, map[string]string{"TEAMSCTL_OUTPUT": "json"})
	if err := cmdtest.Execute(NewCmdLogin(env.Factory, nil), "--device-code --scopes User.Read"); err != nil {
		t.Fatal(err)
	}
	var got Result
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, env.Out)
	}
	if got.Account != authtest.Admin || got.Mode != auth.ModeDeviceCode || got.Profile != "default" || len(got.Scopes) == 0 || got.ExpiresOn.IsZero() {
		t.Errorf("result = %+v", got)
	}
}

func TestLoginServicePrincipalNeedsTenant(t *testing.T) {
	env := authtest.NewSandbox(t, map[string]string{auth.EnvClientSecret: "x"})
	err := cmdtest.Execute(NewCmdLogin(env.Factory, nil), "--service-principal --client-id "+appID)
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--tenant") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginServicePrincipalUnknownAppExplains(t *testing.T) {
	env := authtest.NewSandbox(t, map[string]string{"TEAMSCTL_TENANT": "contoso.onmicrosoft.com"})
	cmd := NewCmdLogin(env.Factory, nil)
	env.IO.In = strings.NewReader("some-secret-value\n")
	err := cmdtest.Execute(cmd, "--service-principal --client-id "+appID+" --client-secret-stdin")
	var se *auth.SignInError
	if !errors.As(err, &se) || se.Code != 700016 {
		t.Fatalf("err = %v, want AADSTS700016", err)
	}
	if cmdutil.ExitCode(err) != cmdutil.ExitError || cmdutil.HintFor(err) == "" {
		t.Errorf("exit %d, hint %q", cmdutil.ExitCode(err), cmdutil.HintFor(err))
	}
	if strings.Contains(env.ErrOut.String()+env.Out.String(), "some-secret-value") {
		t.Error("the secret was printed")
	}
}

func TestLoginAccessTokenFromStdin(t *testing.T) {
	env := authtest.NewSandbox(t, nil)
	token := env.Emulator.Token(t, authtest.Admin, "", "User.Read")
	env.IO.In = strings.NewReader(token + "\n")
	if err := cmdtest.Execute(NewCmdLogin(env.Factory, nil), "--access-token-stdin"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), "mode\taccess-token") || strings.Contains(env.Out.String(), token) {
		t.Errorf("stdout = %q", env.Out)
	}
}

// The help text names the defaults literally; keep it in step with auth.
func TestHelpNamesTheDefaults(t *testing.T) {
	long := NewCmdLogin(cmdtest.New(t, "", nil).Factory, nil).Long
	for _, want := range append([]string{auth.DefaultClientID, auth.EnvClientSecret, auth.EnvCertificatePassword, auth.EnvAccessToken}, auth.DefaultLoginScopes...) {
		if !strings.Contains(long, want) {
			t.Errorf("login help does not mention %s", want)
		}
	}
}
