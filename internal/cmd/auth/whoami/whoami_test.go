package whoami

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/authtest"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// fakeGraph answers as Graph would for the emulator's admin; it checks the
// scopes the command asked for.
type fakeGraph struct {
	roles []graph.DirectoryRole
}

func (fakeGraph) Me(context.Context) (*graph.User, error) {
	return &graph.User{ID: "u1", DisplayName: "Adele Admin", UserPrincipalName: authtest.Admin}, nil
}

func (fakeGraph) Organization(context.Context) (*graph.Organization, error) {
	return &graph.Organization{ID: "t1", DisplayName: "Contoso", DefaultDomain: "contoso.onmicrosoft.com"}, nil
}

func (g fakeGraph) MyDirectoryRoles(context.Context) ([]graph.DirectoryRole, error) {
	return g.roles, nil
}

// fixture is a signed-in-able test env plus the Graph fake whoami gets.
type fixture struct {
	*authtest.Env
	graph func(ctx context.Context, needs ...auth.Need) (graph.Directory, error)
}

func newEnv(t *testing.T, env map[string]string, roles ...graph.DirectoryRole) *fixture {
	t.Helper()
	e := authtest.NewSandbox(t, env)
	// Like the factory's Graph: get the token first, then the client.
	directory := func(ctx context.Context, needs ...auth.Need) (graph.Directory, error) {
		a, err := e.Factory.Auth()
		if err != nil {
			return nil, err
		}
		scopes := a.ScopesFor(needs...)
		if strings.Join(scopes, " ") != "User.Read" {
			t.Errorf("whoami asked for %v", scopes)
		}
		if _, err := a.TokenFor(ctx, scopes); err != nil {
			return nil, err
		}
		return fakeGraph{roles: roles}, nil
	}
	return &fixture{Env: e, graph: directory}
}

// run executes whoami with the fake Graph.
func (f *fixture) run(args string) error {
	return cmdtest.Execute(NewCmdWhoami(f.Factory, func(ctx context.Context, o *Options) error {
		o.Graph = f.graph
		return whoamiRun(ctx, o)
	}), args)
}

var appAdmin = graph.DirectoryRole{ID: "r1", DisplayName: "Application Administrator", RoleTemplateID: graph.RoleApplicationAdministrator}

func login(t *testing.T, e *fixture) {
	t.Helper()
	a, _ := e.Factory.Auth()
	if _, err := a.Login(context.Background(), auth.LoginRequest{Mode: auth.ModeDeviceCode, Scopes: auth.Scopes{"User.Read"}}); err != nil {
		t.Fatal(err)
	}
}

func TestNewCmdWhoami(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	called := false
	if err := cmdtest.Execute(NewCmdWhoami(env.Factory, func(context.Context, *Options) error { called = true; return nil }), ""); err != nil || !called {
		t.Fatalf("err = %v, called = %v", err, called)
	}
	if err := cmdtest.Execute(NewCmdWhoami(env.Factory, nil), "me"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func TestWhoamiRunTerminal(t *testing.T) {
	e := newEnv(t, nil, appAdmin)
	login(t, e)
	e.IO.SetStdoutTTY(true)
	e.IO.DisableColor()
	if err := e.run(""); err != nil {
		t.Fatal(err)
	}
	out := e.Out.String()
	for _, want := range []string{
		"Account:      Adele Admin <admin@contoso.onmicrosoft.com>",
		"Tenant:       Contoso (" + e.Emulator.TenantID + ")",
		"Sign-in:      device-code",
		"Client:       14d82eec-204b-4c2f-b7e8-296a70dab67e (Microsoft Graph Command Line Tools)",
		"Token:        delegated, expires ",
		"Permissions:  User.Read",
		"Roles:        Application Administrator",
		"✓ Register applications (as Application Administrator)",
		"✓ Grant delegated permissions for the organisation (admin consent) (as Application Administrator)",
		"✗ Grant application permissions (needs Privileged Role Administrator or Global Administrator)",
		"teamsctl config set client-id",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestWhoamiRunJSON(t *testing.T) {
	e := newEnv(t, map[string]string{"TEAMSCTL_OUTPUT": "json"}, appAdmin)
	login(t, e)
	if err := e.run(""); err != nil {
		t.Fatal(err)
	}
	var got Result
	if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, e.Out)
	}
	if got.Account != authtest.Admin || got.Tenant.Name != "Contoso" || got.TokenKind != "delegated" || got.Mode != auth.ModeDeviceCode ||
		len(got.Roles) != 1 || !got.Can.RegisterApps.Allowed || got.Can.GrantApplicationPermissions.Allowed {
		t.Errorf("result = %+v", got)
	}
}

func TestWhoamiNotSignedInExits4(t *testing.T) {
	e := &fixture{Env: authtest.New(t, nil)}
	e.graph = func(ctx context.Context, needs ...auth.Need) (graph.Directory, error) {
		a, _ := e.Factory.Auth()
		_, err := a.TokenFor(ctx, a.ScopesFor(needs...))
		return nil, err
	}
	err := e.run("")
	if cmdutil.ExitCode(err) != cmdutil.ExitAuth || cmdutil.HintFor(err) != "Run: teamsctl login" {
		t.Fatalf("err = %v (exit %d, hint %q)", err, cmdutil.ExitCode(err), cmdutil.HintFor(err))
	}
}

func TestWhoamiServicePrincipalToken(t *testing.T) {
	vars := map[string]string{"TEAMSCTL_OUTPUT": "json"}
	e := &fixture{Env: authtest.New(t, vars)}
	vars[auth.EnvAccessToken] = e.Emulator.AppToken(t, "14d82eec-204b-4c2f-b7e8-296a70dab67e", "Application.ReadWrite.All")
	e.graph = func(ctx context.Context, needs ...auth.Need) (graph.Directory, error) { return fakeGraph{}, nil }
	if err := e.run(""); err != nil {
		t.Fatal(err)
	}
	var got Result
	if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, e.Out)
	}
	if got.TokenKind != "application" || got.Mode != auth.ModeAccessToken || !got.Can.RegisterApps.Allowed || got.Can.GrantDelegatedConsent.Allowed ||
		got.Account != "14d82eec-204b-4c2f-b7e8-296a70dab67e" {
		t.Errorf("result = %+v", got)
	}
}
