// Package root builds the teamsctl command tree.
package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/build"
	appcmd "github.com/teamsctl/teamsctl/internal/cmd/app"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/login"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/logout"
	"github.com/teamsctl/teamsctl/internal/cmd/auth/whoami"
	configcmd "github.com/teamsctl/teamsctl/internal/cmd/config"
	consentcmd "github.com/teamsctl/teamsctl/internal/cmd/consent"
	doctorcmd "github.com/teamsctl/teamsctl/internal/cmd/doctor"
	integrationscmd "github.com/teamsctl/teamsctl/internal/cmd/integrations"
	meetingcmd "github.com/teamsctl/teamsctl/internal/cmd/meeting"
	presetscmd "github.com/teamsctl/teamsctl/internal/cmd/presets"
	sandboxcmd "github.com/teamsctl/teamsctl/internal/cmd/sandbox"
	setupcmd "github.com/teamsctl/teamsctl/internal/cmd/setup"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
)

// Command groups, in the order root help lists them.
const (
	GroupSetup    = "setup"
	GroupDiagnose = "diagnose"
	GroupAuth     = "auth"
	GroupSandbox  = "sandbox"
	GroupConfig   = "config"
)

var groupTitles = []struct{ id, title string }{
	{GroupSetup, "Setup commands:"},
	{GroupDiagnose, "Diagnose commands:"},
	{GroupAuth, "Sign-in commands:"},
	{GroupSandbox, "Sandbox commands:"},
	{GroupConfig, "Configuration commands:"},
}

// NewCmdRoot builds the root command with every subcommand.
//
// To add a command, write internal/cmd/<noun>/... with
// NewCmdX(f *cmdutil.Factory, runF func(*XOptions) error) and add it below
// under its group, e.g. addToGroup(cmd, GroupAuth, login.NewCmdLogin(f, nil)).
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "teamsctl",
		Short: "Enable recruiting vendors' Microsoft Teams integrations in Entra ID",
		Long: `teamsctl helps IT admins enable an applicant-tracking system's Microsoft Teams
and Outlook integration in Entra ID: register the app, add redirect URIs and
secrets, grant delegated permissions and admin consent, and find out why a
recruiter cannot connect.

Run 'teamsctl help exit-codes' for the exit codes scripts can rely on.`,
		Version: build.Version,
		// Arbitrary args reach RunGroup, which turns a mistyped command into
		// a usage error (exit 2) with a suggestion.
		Args:          cobra.ArbitraryArgs,
		RunE:          cmdutil.RunGroup,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetVersionTemplate(fmt.Sprintf("teamsctl version %s\ncommit: %s\nbuilt: %s\n", build.Version, build.Commit, build.Date))
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetIn(f.IOStreams.In)

	addGlobalFlags(cmd)

	addToGroup(cmd, GroupAuth, login.NewCmdLogin(f, nil), logout.NewCmdLogout(f, nil), whoami.NewCmdWhoami(f, nil))
	addToGroup(cmd, GroupSetup, setupcmd.NewCmdSetup(f, nil))
	addToGroup(cmd, GroupSetup, appcmd.NewCmdApp(f), consentcmd.NewCmdConsent(f), presetscmd.NewCmdPresets(f))
	addToGroup(cmd, GroupDiagnose, doctorcmd.NewCmdDoctor(f, nil), integrationscmd.NewCmdIntegrations(f, nil), meetingcmd.NewCmdMeeting(f))
	addToGroup(cmd, GroupSandbox, sandboxcmd.NewCmdSandbox(f))
	addToGroup(cmd, GroupConfig, configcmd.NewCmdConfig(f))
	cmd.AddCommand(newHelpTopicExitCodes())
	cmd.SetHelpCommand(newCmdHelp())

	registerUsedGroups(cmd)
	return cmd
}

// addGlobalFlags defines the flags every command accepts. Flags named like
// a config key (tenant, cloud, ...) are bound to it by config.Load, so they
// beat the environment and the config file. They hold no value here: the
// resolved values come from f.Config().
func addGlobalFlags(cmd *cobra.Command) {
	fs := cmd.PersistentFlags()
	var tenant, profile, output, cloud, loginURL, graphURL, timeout string
	cmdutil.CheckedStringFlag(fs, &tenant, "tenant", "", "", "Tenant ID (GUID) or domain, e.g. contoso.onmicrosoft.com", config.CheckTenant)
	cmdutil.CheckedStringFlag(fs, &profile, config.ProfileFlag, "", "", "Configuration profile to use (default: the current profile)", config.CheckProfileName)
	cmdutil.StringEnumFlag(cmd, fs, &output, "output", "o", "", config.Outputs, "Result format (default text)")
	cmdutil.StringEnumFlag(cmd, fs, &cloud, "cloud", "", "", config.Clouds, "Microsoft cloud (default global)")
	cmdutil.CheckedStringFlag(fs, &loginURL, "login-url", "", "", "Sign-in endpoint override (https URL)", config.CheckLoginURL)
	cmdutil.CheckedStringFlag(fs, &graphURL, "graph-url", "", "", "Microsoft Graph endpoint override (https URL)", config.CheckEndpointURL)
	fs.String("ca-file", "", "PEM file of extra certificate authorities to trust")
	fs.Bool("sandbox", false, "Use the built-in emulated tenant instead of Microsoft")
	fs.Bool("no-color", false, "Never colour output")
	fs.BoolP("verbose", "v", false, "Trace HTTP requests to stderr, secrets redacted (commands that call Microsoft)")
	fs.BoolP("yes", "y", false, "Answer yes to confirmations")
	cmdutil.CheckedStringFlag(fs, &timeout, "timeout", "", "",
		"Give up after this long, e.g. 45m or 2h; 0 never (default 30m)", config.CheckTimeout)
	_ = cmd.MarkPersistentFlagFilename("ca-file", "pem", "crt")
}

// addToGroup adds commands to the root under a group.
func addToGroup(root *cobra.Command, groupID string, cmds ...*cobra.Command) {
	for _, c := range cmds {
		c.GroupID = groupID
		root.AddCommand(c)
	}
}

// registerUsedGroups registers, in the fixed order of groupTitles, the
// groups that have commands, so root help shows no empty headings.
func registerUsedGroups(root *cobra.Command) {
	used := map[string]bool{}
	for _, c := range root.Commands() {
		used[c.GroupID] = true
	}
	for _, g := range groupTitles {
		if used[g.id] {
			root.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
		}
	}
}

// newCmdHelp replaces cobra's help command, which answers an unknown
// topic with the usage and exit code 0: a script (or an admin) would take
// `teamsctl help doktor` for a success.
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command in the application.\nSimply type teamsctl help [path to command] for full details.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() || sub.Name() == "exit-codes" {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return cmdutil.FlagErrorWithHint(fmt.Errorf("unknown help topic %q", strings.Join(args, " ")),
					"Run 'teamsctl --help' for the commands.")
			}
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}

// newHelpTopicExitCodes is read as `teamsctl help exit-codes`. It is hidden
// from the command list because it is documentation, not an action.
func newHelpTopicExitCodes() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "exit-codes",
		Short:  "Exit codes and what they mean",
		Hidden: true,
		Args:   cmdutil.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdutil.WriteExitCodesText(c.OutOrStdout())
		},
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		_ = cmdutil.WriteExitCodesText(c.OutOrStdout())
	})
	return cmd
}
