package view

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const contoso = `current-profile: contoso
profiles:
  contoso:
    tenant: contoso.onmicrosoft.com
`

func TestNewCmdView(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdView(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, ""); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.IO != env.IO {
		t.Fatal("runF did not receive the factory's streams")
	}
	if err := cmdtest.Execute(NewCmdView(env.Factory, nil), "extra"); err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
		t.Errorf("want a usage error naming the argument, got %v", err)
	}
}

func TestViewRun(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		env  map[string]string
		want string
	}{
		{name: "script", want: "tenant\tcontoso.onmicrosoft.com\tfile\ncloud\tglobal\tdefault\noutput\ttext\tdefault\n" +
			"login-url\t\tdefault\ngraph-url\t\tdefault\nca-file\t\tdefault\nclient-id\t\tdefault\nsandbox\tfalse\tdefault\nno-color\tfalse\tdefault\ntimeout\t30m\tdefault\n"},
		{name: "env source", env: map[string]string{"TEAMSCTL_CLOUD": "china"}, want: "cloud\tchina\tenv TEAMSCTL_CLOUD\n"},
		{name: "terminal", tty: true, want: "Profile:  contoso\nFile:     CONFIG\n\nKEY        VALUE                    SOURCE\ntenant     contoso.onmicrosoft.com  file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, contoso, tt.env)
			env.IO.SetStdoutTTY(tt.tty)
			env.IO.DisableColor()
			if err := cmdtest.Execute(NewCmdView(env.Factory, nil), ""); err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tt.want, "CONFIG", env.ConfigPath)
			if !strings.Contains(env.Out.String(), want) {
				t.Errorf("stdout\n%s\ndoes not contain\n%s", env.Out, want)
			}
		})
	}
}

func TestViewRunJSON(t *testing.T) {
	env := cmdtest.New(t, contoso, map[string]string{"TEAMSCTL_OUTPUT": "json"})
	if err := cmdtest.Execute(NewCmdView(env.Factory, nil), ""); err != nil {
		t.Fatal(err)
	}
	var got Result
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, env.Out)
	}
	if got.Profile != "contoso" || got.File != env.ConfigPath || len(got.Settings) != 10 || got.Settings[0].Value != "contoso.onmicrosoft.com" {
		t.Errorf("unexpected result %+v", got)
	}
}
