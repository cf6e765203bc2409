package create

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdCreate(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	dir := t.TempDir()
	var got *Options
	capture := func(o *Options) error { got = o; return nil }
	args := "--name elevato --redirect-uri https://elevato.net/cb --redirect-uri http://localhost/cb --delegated User.Read,OnlineMeetings.ReadWrite" +
		" --application User.Read.All --multi-tenant --secret-expires 90d --secret-file " + filepath.Join(dir, "s") +
		" --handoff " + filepath.Join(dir, "h.json") + " --grant-consent --owner rita@contoso.com --prune --replication-timeout 30s"
	if err := cmdtest.Execute(NewCmdCreate(env.Factory, capture), args); err != nil {
		t.Fatal(err)
	}
	if got.Name != "elevato" || !slices.Equal(got.RedirectURIs, []string{"https://elevato.net/cb", "http://localhost/cb"}) ||
		!slices.Equal(got.Delegated, []string{"User.Read", "OnlineMeetings.ReadWrite"}) || !slices.Equal(got.Application, []string{"User.Read.All"}) ||
		!got.MultiTenant || !got.Secret || got.SecretName != "teamsctl" || !got.SecretEnd.Equal(cmdtest.Now.Add(90*24*time.Hour)) ||
		!got.GrantConsent || got.Owner != "rita@contoso.com" || !got.Prune || got.Timeout != 30*time.Second {
		t.Errorf("options = %+v", got)
	}
	// A URI given twice is stored once.
	if err := cmdtest.Execute(NewCmdCreate(env.Factory, capture), "--name x --redirect-uri https://x.example/cb --redirect-uri https://x.example/cb --redirect-uri https://x.example/CB"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.RedirectURIs, []string{"https://x.example/cb", "https://x.example/CB"}) {
		t.Errorf("repeated --redirect-uri: %v", got.RedirectURIs)
	}
	if err := cmdtest.Execute(NewCmdCreate(env.Factory, capture), "--name elevato"); err != nil {
		t.Fatal(err)
	}
	if got.Secret || got.DryRun || got.Platform != "web" {
		t.Errorf("defaults = %+v", got)
	}
	existing := filepath.Join(dir, "existing.secret")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"":                                "--name is required",
		"--name a extra":                  `unexpected argument "extra"`,
		"--name a --delegated User.Read!": "--delegated",
		"--name a --redirect-uri http://example.com": "--redirect-uri",
		"--name a --secret-expires 2020-01-01":       "--secret-expires",
		"--name a --secret-file " + existing:         "--secret-file",
		"--name a --secret-file x --handoff x":       "--secret-file and --handoff must be different files",
		"--app-id not-a-guid":                        `--app-id: "not-a-guid" is not a GUID`,
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdCreate(env.Factory, capture), args), want)
	}
	long := "--name " + string(slices.Repeat([]byte("x"), 121))
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdCreate(env.Factory, capture), long), "Entra allows at most 120")
	// --dry-run writes no files, so an existing --secret-file is fine.
	if err := cmdtest.Execute(NewCmdCreate(env.Factory, capture), "--name a --dry-run --secret-file "+existing); err != nil || !got.DryRun || !got.Secret {
		t.Errorf("dry run: %v, %+v", err, got)
	}
}
