package get

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdGet(t *testing.T) {
	tests := []struct {
		args     string
		wantKey  string
		wantErr  string
		wantHint string
	}{
		{args: "tenant", wantKey: "tenant"},
		{args: "", wantErr: "get: missing KEY"},
		{args: "tennant", wantErr: `unknown config key "tennant"; valid keys: tenant, cloud, output, login-url, graph-url, ca-file, client-id, sandbox, no-color, timeout`,
			wantHint: "Run 'teamsctl config --help' to see what each key means."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			env := cmdtest.New(t, "", nil)
			var got *Options
			err := cmdtest.Execute(NewCmdGet(env.Factory, func(o *Options) error { got = o; return nil }), tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || cmdutil.ExitCode(err) != cmdutil.ExitUsage || cmdutil.HintFor(err) != tt.wantHint {
					t.Errorf("got %v (hint %q), want usage error %q", err, cmdutil.HintFor(err), tt.wantErr)
				}
				return
			}
			if err != nil || got.Key != tt.wantKey {
				t.Errorf("got %+v, %v", got, err)
			}
		})
	}
}

func TestGetRun(t *testing.T) {
	file := "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n"
	tests := []struct {
		name string
		env  map[string]string
		key  string
		want string
	}{
		{"from file", nil, "tenant", "contoso.onmicrosoft.com\n"},
		{"default", nil, "cloud", "global\n"},
		{"unset", nil, "login-url", "\n"},
		{"env wins", map[string]string{"TEAMSCTL_TENANT": "fabrikam.com"}, "tenant", "fabrikam.com\n"},
		{"json", map[string]string{"TEAMSCTL_OUTPUT": "json"}, "tenant",
			"{\n  \"key\": \"tenant\",\n  \"value\": \"contoso.onmicrosoft.com\",\n  \"source\": \"file\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, file, tt.env)
			if err := cmdtest.Execute(NewCmdGet(env.Factory, nil), tt.key); err != nil {
				t.Fatal(err)
			}
			if env.Out.String() != tt.want {
				t.Errorf("stdout %q, want %q", env.Out, tt.want)
			}
		})
	}
}
