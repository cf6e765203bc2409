// Package config groups the `teamsctl config` commands.
package config

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/config/get"
	"github.com/teamsctl/teamsctl/internal/cmd/config/profiles"
	"github.com/teamsctl/teamsctl/internal/cmd/config/set"
	"github.com/teamsctl/teamsctl/internal/cmd/config/unset"
	"github.com/teamsctl/teamsctl/internal/cmd/config/useprofile"
	"github.com/teamsctl/teamsctl/internal/cmd/config/view"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
)

// NewCmdConfig builds `teamsctl config` and its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "View and change settings and profiles",
		Long:  longHelp(),
		Example: `  # One profile per customer tenant
  teamsctl config set tenant contoso.onmicrosoft.com --profile contoso
  teamsctl config set tenant fabrikam.onmicrosoft.us --profile fabrikam
  teamsctl config set cloud usgov --profile fabrikam
  teamsctl config use-profile fabrikam
  teamsctl config view`,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(
		view.NewCmdView(f, nil),
		get.NewCmdGet(f, nil),
		set.NewCmdSet(f, nil),
		unset.NewCmdUnset(f, nil),
		useprofile.NewCmdUseProfile(f, nil),
		profiles.NewCmdProfiles(f, nil),
	)
	return cmd
}

// longHelp documents the file, the precedence and every key, generated
// from the key table so the help cannot drift from the code.
func longHelp() string {
	var b strings.Builder
	b.WriteString(`Settings come from, strongest first: a global flag, a TEAMSCTL_* environment
variable, the selected profile in the config file, and the default.

The config file is $TEAMSCTL_CONFIG_DIR/config.yaml, or teamsctl/config.yaml
in the user configuration directory (~/.config on Linux, ~/Library/Application
Support on macOS, %AppData% on Windows). It holds named profiles, typically one
per customer tenant:

  current-profile: contoso
  profiles:
    contoso:
      tenant: contoso.onmicrosoft.com
      cloud: global
      output: text

The profile is chosen by --profile, then TEAMSCTL_PROFILE, then
current-profile, then "default". config set and unset write the chosen profile.

Keys:

`)
	width := 0
	for _, k := range config.Keys() {
		width = max(width, len(k.Name))
	}
	for _, k := range config.Keys() {
		fmt.Fprintf(&b, "  %-*s  %s (%s", width, k.Name, k.Help, k.Env())
		if k.Default != "" {
			fmt.Fprintf(&b, ", default %s", k.Default)
		}
		b.WriteString(")\n")
	}
	return b.String()
}
