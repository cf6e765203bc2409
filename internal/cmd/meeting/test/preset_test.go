package test

import (
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdTestPreset(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	parse := func(args string) *Options {
		t.Helper()
		var got *Options
		if err := cmdtest.Execute(NewCmdTest(env.Factory, func(o *Options) error { got = o; return nil }), args); err != nil {
			t.Fatalf("%s: %v", args, err)
		}
		return got
	}
	for args, want := range map[string]Options{
		"--preset ebms --user rita@x":             {App: "c0ec60b5-60a8-4768-8053-870f11315492", Kind: "event", As: "user"},
		"--preset elevato --user rita@x":          {App: "elevato - MS Teams integration", Kind: "online-meeting", As: "user"},
		"APPID --preset onlyfy --user rita@x":     {App: "APPID", Kind: "online-meeting", As: "app"},
		"--preset ebms --kind both --user rita@x": {App: "c0ec60b5-60a8-4768-8053-870f11315492", Kind: "both", As: "user"},
		"X --preset onlyfy --as user":             {App: "X", Kind: "online-meeting", As: "user"},
	} {
		got := parse(args)
		if got.App != want.App || got.Kind != want.Kind || got.As != want.As {
			t.Errorf("%s: App %q Kind %q As %q, want %q %q %q", args, got.App, got.Kind, got.As, want.App, want.Kind, want.As)
		}
	}
	for args, want := range map[string]string{
		"--preset nope":                     `no preset "nope"; presets: ebms, elevato`,
		"--preset recruitee-mail":           "preset recruitee-mail creates no Teams meetings",
		"--preset onlyfy --user rita@x":     "preset onlyfy has no appId: give the APP",
		"APPID --preset onlyfy":             "--as app needs --user",
		"--preset ebms --preset-file x.yml": "cannot be used together",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdTest(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
