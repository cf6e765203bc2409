package secret

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdAdd(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	file := filepath.Join(t.TempDir(), "elevato.secret")
	var got *AddOptions
	capture := func(o *AddOptions) error { got = o; return nil }
	if err := cmdtest.Execute(NewCmdAdd(env.Factory, capture), "elevato --name rotated --expires 20d --secret-file "+file); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || got.Name != "rotated" || !got.EndGiven || !got.End.Equal(cmdtest.Now.Add(20*24*time.Hour)) || got.SecretFile != file {
		t.Errorf("options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAdd(env.Factory, capture), "elevato"); err != nil {
		t.Fatal(err)
	}
	if got.Name != "teamsctl" || got.EndGiven {
		t.Errorf("defaults = %+v", got)
	}
	if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"":                        "missing APP",
		"a b":                     `unexpected argument "b"`,
		"a --expires 2020-01-01":  "--expires",
		"a --expires soon":        "--expires",
		"a --secret-file " + file: "--secret-file",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAdd(env.Factory, capture), args), want)
	}
	if err := cmdtest.Execute(NewCmdAdd(env.Factory, capture), "a --force --secret-file "+file); err != nil || !got.Force {
		t.Errorf("--force: %v, %+v", err, got)
	}
}

func TestNewCmdList(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *ListOptions
	if err := cmdtest.Execute(NewCmdList(env.Factory, func(o *ListOptions) error { got = o; return nil }), "elevato"); err != nil || got.App != "elevato" {
		t.Fatalf("options = %+v, %v", got, err)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdList(env.Factory, func(*ListOptions) error { return nil }), ""), "missing APP")
}

func TestNewCmdRemove(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *RemoveOptions
	if err := cmdtest.Execute(NewCmdRemove(env.Factory, func(o *RemoveOptions) error { got = o; return nil }), "elevato 3f1c2b7a --yes"); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || got.KeyID != "3f1c2b7a" || !got.Yes {
		t.Errorf("options = %+v", got)
	}
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdRemove(env.Factory, func(*RemoveOptions) error { return nil }), "elevato"), "missing KEYID")
	cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdRemove(env.Factory, func(*RemoveOptions) error { return nil }), "a b c"), `unexpected argument "c"`)
}
