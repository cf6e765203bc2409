package profiles

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const twoProfiles = "current-profile: contoso\nprofiles:\n  contoso:\n    tenant: contoso.onmicrosoft.com\n  fabrikam: {}\n"

func TestNewCmdProfiles(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	called := false
	if err := cmdtest.Execute(NewCmdProfiles(env.Factory, func(*Options) error { called = true; return nil }), ""); err != nil || !called {
		t.Fatalf("runF not called: %v", err)
	}
	if err := cmdtest.Execute(NewCmdProfiles(env.Factory, nil), "contoso"); err == nil || !strings.Contains(err.Error(), `unexpected argument "contoso"`) {
		t.Errorf("got %v", err)
	}
}

func TestProfilesRun(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		env  map[string]string
		want string
	}{
		{"script", false, nil, "*\tcontoso\tcontoso.onmicrosoft.com\n\tfabrikam\t\n"},
		{"terminal", true, nil, "CURRENT  NAME      TENANT\n*        contoso   contoso.onmicrosoft.com\n         fabrikam\n"},
		{"env selects", false, map[string]string{"TEAMSCTL_PROFILE": "fabrikam"}, "\tcontoso\tcontoso.onmicrosoft.com\n*\tfabrikam\t\n"},
		{"json", false, map[string]string{"TEAMSCTL_OUTPUT": "json"}, `"name": "contoso",` + "\n      \"tenant\": \"contoso.onmicrosoft.com\",\n      \"current\": true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, twoProfiles, tt.env)
			env.IO.SetStdoutTTY(tt.tty)
			env.IO.DisableColor()
			if err := cmdtest.Execute(NewCmdProfiles(env.Factory, nil), ""); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(env.Out.String(), tt.want) {
				t.Errorf("stdout\n%q\nwant\n%q", env.Out, tt.want)
			}
		})
	}
}

func TestProfilesRunEmptyJSON(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	if err := cmdtest.Execute(NewCmdProfiles(env.Factory, nil), ""); err != nil {
		t.Fatal(err)
	}
	if env.Out.String() != "{\n  \"profiles\": []\n}\n" {
		t.Errorf("stdout %q", env.Out)
	}
}
