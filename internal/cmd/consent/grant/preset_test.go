package grant

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdGrantPreset(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	parse := func(args string) *Options {
		t.Helper()
		var got *Options
		if err := cmdtest.Execute(NewCmdGrant(env.Factory, func(o *Options) error { got = o; return nil }), args); err != nil {
			t.Fatalf("%s: %v", args, err)
		}
		return got
	}

	// Vendor-hosted: APP is the vendor's appId.
	got := parse("--preset ebms")
	if got.App != "c0ec60b5-60a8-4768-8053-870f11315492" ||
		!slices.Equal(got.Delegated, []string{"User.Read", "Calendars.ReadWrite", "OnlineMeetings.ReadWrite", "Place.Read.All", "offline_access"}) {
		t.Errorf("--preset ebms: %+v", got)
	}
	got = parse("11111111-2222-4333-8444-555555555555 --preset onlyfy")
	if !slices.Equal(got.Application, []string{"OnlineMeetings.ReadWrite.All", "User.Read.All"}) || !slices.Equal(got.Delegated, []string{"User.Read"}) {
		t.Errorf("--preset onlyfy: %+v", got)
	}
	// Customer-registered: the app's name.
	if got := parse("--preset elevato"); got.App != "elevato - MS Teams integration" {
		t.Errorf("--preset elevato: App = %q", got.App)
	}
	// Explicit APP and permissions win.
	got = parse("MyApp --preset ebms --delegated User.Read")
	if got.App != "MyApp" || !slices.Equal(got.Delegated, []string{"User.Read"}) || len(got.Application) != 0 {
		t.Errorf("explicit: %+v", got)
	}

	typo := filepath.Join(t.TempDir(), "ours.yaml")
	if err := os.WriteFile(typo, []byte("name: ours\nvendor: Ours\nshape: vendor-hosted\nappId: 11111111-2222-4333-8444-555555555555\ndelegated: [User.Read, 'OnlineMeetings ReadWrite']\nteams: {meeting: none}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"":                      "missing APP",
		"--preset nope":         `no preset "nope"; presets: ebms, elevato`,
		"--preset erecruiter":   "preset erecruiter has no appId: give the APP",
		"--preset-file " + typo: "delegated[1]",
		"a b --preset ebms":     `unexpected argument "b"`,
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdGrant(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
