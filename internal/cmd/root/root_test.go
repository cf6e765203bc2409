package root

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/golden"
	"github.com/teamsctl/teamsctl/internal/iostreams"
)

// errNoConfig fails any test in which help or a usage error would read
// the configuration.
var errNoConfig = errors.New("configuration must not be loaded here")

func newTestRoot(t *testing.T) (*cobra.Command, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{
		IOStreams: ios,
		Config: func() (*config.Config, error) {
			t.Error("configuration was loaded")
			return nil, errNoConfig
		},
		Now:    func() time.Time { return time.Time{} },
		Getenv: func(string) string { return "" },
	}
	return NewCmdRoot(f), out, errOut
}

// TestHelpScreens snapshots the help of every command.
func TestHelpScreens(t *testing.T) {
	root, _, _ := newTestRoot(t)
	for _, path := range commandPaths(root) {
		t.Run(strings.Join(path, "_"), func(t *testing.T) {
			cmd, out, _ := newTestRoot(t)
			cmd.SetArgs(append(path[1:], "--help"))
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "help/"+strings.Join(path, "_"), out.String())
		})
	}
}

// commandPaths lists every visible command as its path of names.
func commandPaths(cmd *cobra.Command) [][]string {
	paths := [][]string{strings.Fields(cmd.CommandPath())}
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() && c.Name() != "completion" && c.Name() != "help" {
			paths = append(paths, commandPaths(c)...)
		}
	}
	return paths
}

func TestUsageErrorsDoNotLoadConfig(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"config", "view", "-o", "yaml"},
		{"config", "set", "tenant"},
		{"config", "veiw"},
		{"nope"},
	} {
		cmd, out, _ := newTestRoot(t)
		cmd.SetArgs(args)
		err := cmd.Execute()
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%v: got %v, want a usage error", args, err)
		}
		if out.Len() != 0 {
			t.Errorf("%v: usage errors must leave stdout empty, got %q", args, out)
		}
	}
}

func TestVersionDoesNotLoadConfig(t *testing.T) {
	cmd, out, _ := newTestRoot(t)
	cmd.SetArgs([]string{"--version"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "teamsctl version ") || !strings.Contains(out.String(), "\ncommit: ") || !strings.Contains(out.String(), "\nbuilt: ") {
		t.Errorf("unexpected version output %q", out)
	}
}

func TestHelpTopicExitCodes(t *testing.T) {
	cmd, out, _ := newTestRoot(t)
	cmd.SetArgs([]string{"help", "exit-codes"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	_ = cmdutil.WriteExitCodesText(&want)
	if out.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out, want.String())
	}
}

func TestGroupsShowOnlyUsedOnes(t *testing.T) {
	cmd, _, _ := newTestRoot(t)
	for _, g := range cmd.Groups() {
		found := false
		for _, c := range cmd.Commands() {
			found = found || c.GroupID == g.ID
		}
		if !found {
			t.Errorf("group %q has no commands", g.ID)
		}
	}
	if !cmd.ContainsGroup(GroupConfig) {
		t.Error("config group missing")
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		cmd, out, _ := newTestRoot(t)
		cmd.SetArgs([]string{"completion", shell})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "teamsctl") {
			t.Errorf("%s completion does not mention teamsctl", shell)
		}
	}
}

// TestGlobalShorthandsWorkEverywhere: a command's own flag may refine a
// global one (--yes on commands that confirm) but must keep its shorthand,
// or `-y` listed under "Global Flags" would be an unknown flag there.
func TestGlobalShorthandsWorkEverywhere(t *testing.T) {
	root, _, _ := newTestRoot(t)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		_ = c.InheritedFlags() // merges the persistent flags into c.Flags()
		root.PersistentFlags().VisitAll(func(global *pflag.Flag) {
			if global.Shorthand == "" {
				return
			}
			if f := c.Flags().ShorthandLookup(global.Shorthand); f == nil || f.Name != global.Name {
				t.Errorf("%s: -%s is not --%s", c.CommandPath(), global.Shorthand, global.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
