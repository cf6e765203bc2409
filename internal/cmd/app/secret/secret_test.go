package secret

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/graph"
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

func TestNewCmdRotate(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	file := filepath.Join(t.TempDir(), "elevato.json")
	var got *RotateOptions
	capture := func(o *RotateOptions) error { got = o; return nil }
	if err := cmdtest.Execute(NewCmdRotate(env.Factory, capture), "--preset elevato --handoff "+file); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato - MS Teams integration" || got.Name != "elevato" || got.Vendor != "elevato" || got.Handoff != file ||
		!got.End.Equal(cmdtest.Now.Add(180*24*time.Hour)) || got.EndGiven {
		t.Errorf("preset options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdRotate(env.Factory, capture), "myapp --name x --expires 30d"); err != nil {
		t.Fatal(err)
	}
	if got.App != "myapp" || got.Name != "x" || !got.EndGiven || got.Finish {
		t.Errorf("options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdRotate(env.Factory, capture), "myapp --finish --yes"); err != nil || !got.Finish || !got.Yes {
		t.Errorf("--finish: %v %+v", err, got)
	}
	if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"":                              "missing APP",
		"a b":                           `unexpected argument "b"`,
		"a --finish --expires 30d":      "--expires does not go with --finish",
		"a --finish --handoff x.json":   "--handoff does not go with --finish",
		"a --yes":                       "--yes goes with --finish",
		"a --secret-file s --handoff h": "do not go together",
		"a --handoff " + file:           "--handoff",
		"a --expires soon":              "--expires",
		"--preset ebms":                 "nothing to rotate",
		"--preset recruitee-calendar a": "nothing to rotate",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdRotate(env.Factory, capture), args), want)
	}
}

// The hand-off bundle of a rotation without --preset names the vendor of
// the preset the app was registered from, not the app.
func TestTagVendor(t *testing.T) {
	app := &graph.Application{DisplayName: "elevato - MS Teams integration", Tags: []string{"teamsctl", "teamsctl:preset=elevato"}}
	if got := tagVendor(app); got != "elevato" {
		t.Fatalf("tagVendor = %q, want elevato", got)
	}
	if got := tagVendor(&graph.Application{Tags: []string{"teamsctl"}}); got != "" {
		t.Fatalf("tagVendor without preset tag = %q", got)
	}
}
