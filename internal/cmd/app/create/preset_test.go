package create

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdCreatePreset(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	parse := func(args string) *Options {
		t.Helper()
		var got *Options
		if err := cmdtest.Execute(NewCmdCreate(env.Factory, func(o *Options) error { got = o; return nil }), args); err != nil {
			t.Fatalf("%s: %v", args, err)
		}
		return got
	}

	got := parse("--preset elevato --instance https://acme.elevato.net/")
	if got.Name != "elevato - MS Teams integration" || got.Platform != "web" ||
		!slices.Equal(got.RedirectURIs, []string{"https://acme.elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx"}) ||
		!slices.Equal(got.Delegated, []string{"User.Read", "OnlineMeetings.ReadWrite"}) || len(got.Application) != 0 ||
		!got.Secret || got.SecretName != "elevato" || got.SecretExpires != "180d" || got.SecretEnd.IsZero() {
		t.Errorf("--preset elevato: %+v", got)
	}
	// Without --instance: the preset's default instance.
	if got := parse("--preset elevato"); got.RedirectURIs[0] != "https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx" {
		t.Errorf("default instance: %v", got.RedirectURIs)
	}
	// Explicit flags win.
	got = parse("--preset elevato --name Mine --redirect-uri https://x.example/cb --delegated Calendars.ReadWrite --secret=false")
	if got.Name != "Mine" || !slices.Equal(got.RedirectURIs, []string{"https://x.example/cb"}) ||
		!slices.Equal(got.Delegated, []string{"Calendars.ReadWrite"}) || got.Secret {
		t.Errorf("explicit flags: %+v", got)
	}
	got = parse("--preset teams-meetings --instance https://ats.example --secret-name ours --secret-expires 90d")
	if got.SecretName != "ours" || got.SecretExpires != "90d" || !got.Secret {
		t.Errorf("--secret-name: %+v", got)
	}

	dir := t.TempDir()
	typo := filepath.Join(dir, "ours.yaml")
	if err := os.WriteFile(typo, []byte("name: ours\nvendor: Ours\nshape: customer-registered\ndelegatd: [User.Read]\nteams: {meeting: none}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"--preset nope":                                `no preset "nope"; presets: ebms, elevato`,
		"--preset ebms":                                "preset ebms is vendor-hosted",
		"--preset elevato --preset-file " + typo:       "cannot be used together",
		"--preset-file " + typo:                        typo + ":4: delegatd: unknown field",
		"--name x --instance https://acme.elevato.net": "--instance needs --preset",
		"--preset teams-meetings":                      "needs --instance",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdCreate(env.Factory, func(*Options) error { return nil }), args), want)
	}
}
