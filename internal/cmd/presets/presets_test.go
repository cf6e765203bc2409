package presets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/presets"
)

func TestShowArguments(t *testing.T) {
	tests := []struct{ args, wantErr string }{
		{"", "missing NAME"},
		{"a b", `unexpected argument "b"`},
		{"elevato --file x.yaml", "give a preset NAME or --file, not both"},
	}
	for _, tt := range tests {
		env := cmdtest.New(t, "", nil)
		err := cmdtest.Execute(newCmdShow(env.Factory, func(*Options) error { return nil }), tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%q: err = %v, want usage error %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestListAndShow(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	if err := cmdtest.Execute(NewCmdPresets(env.Factory), "list"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), "elevato\televato\tcustomer-registered\t") {
		t.Fatalf("list = %q", env.Out.String())
	}
	env.Out.Reset()
	if err := cmdtest.Execute(NewCmdPresets(env.Factory), "show ebms"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), "c0ec60b5-60a8-4768-8053-870f11315492") {
		t.Fatalf("show = %q", env.Out.String())
	}
}

func TestShowJSONRoundTrips(t *testing.T) {
	env := cmdtest.New(t, "", map[string]string{"TEAMSCTL_OUTPUT": "json"})
	if err := cmdtest.Execute(NewCmdPresets(env.Factory), "show elevato"); err != nil {
		t.Fatal(err)
	}
	var p presets.Preset
	if err := json.Unmarshal(env.Out.Bytes(), &p); err != nil || p.Name != "elevato" {
		t.Fatalf("json = %q (%v)", env.Out.String(), err)
	}
}

func TestShowFileNamesTheBadField(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ours.yaml")
	raw := "name: ours\nvendor: Us\nshape: customer-registered\ndelegated: [User.Read]\nteams:\n  meetng: event\n"
	if err := os.WriteFile(file, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	env := cmdtest.New(t, "", nil)
	err := cmdtest.Execute(NewCmdPresets(env.Factory), "show --file "+file)
	if err == nil || !strings.Contains(err.Error(), "ours.yaml:6: meetng: unknown field") {
		t.Fatalf("err = %v", err)
	}
}

// An unknown preset and a bad preset file are bad input: exit 2, as
// docs/presets.md says, with a hint naming a vendor's presets.
func TestShowBadInputIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"show recruitee":       `no preset "recruitee"`,
		"show nosuch":          `no preset "nosuch"`,
		"show --file " + empty: "empty.yaml: is empty",
		"show --file " + dir:   "is a directory",
	} {
		env := cmdtest.New(t, "", nil)
		err := cmdtest.Execute(NewCmdPresets(env.Factory), args)
		cmdtest.WantUsageError(t, err, want)
		if args == "show recruitee" && !strings.Contains(cmdutil.HintFor(err), "recruitee-calendar, recruitee-mail, recruitee-rooms") {
			t.Errorf("hint %q does not name recruitee's presets", cmdutil.HintFor(err))
		}
	}
}
