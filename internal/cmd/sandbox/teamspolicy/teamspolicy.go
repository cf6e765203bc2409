// Package teamspolicy implements `teamsctl sandbox teams-policy`: the
// sandbox's stand-in for Teams PowerShell's application access policies,
// which gate app-only meeting creation and cannot be set through Graph.
package teamspolicy

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/sandbox"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of the teams-policy commands.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Name   string
	AppID  string
	User   string
	Global bool
}

// NewCmdTeamsPolicy builds `sandbox teams-policy` with grant, revoke and list.
func NewCmdTeamsPolicy(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "teams-policy",
		Short: "Grant Teams application access policies in the sandbox",
		Long: `In a real tenant an app that creates online meetings with application
permissions also needs a Teams application access policy naming the app,
granted to the organizer or globally (New-CsApplicationAccessPolicy and
Grant-CsApplicationAccessPolicy in Teams PowerShell). Graph can neither read
nor set it. These commands play that PowerShell part in the sandbox; the
policy takes effect at once (in Teams it takes up to 30 minutes).`,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(newCmdGrant(f, nil), newCmdRevoke(f, nil), newCmdList(f, nil))
	return cmd
}

func newCmdGrant(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "grant",
		Short: "Allow an app to create meetings for a user or everyone",
		Example: `  teamsctl sandbox teams-policy grant --app 11111111-2222-3333-4444-555555555555 --user rita.recruiter@contoso.onmicrosoft.com
  teamsctl sandbox teams-policy grant --app 11111111-2222-3333-4444-555555555555 --global`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !emulator.IsGUID(opts.AppID) {
				return cmdutil.FlagErrorf("--app %q: want the app's application (client) id, a GUID", opts.AppID)
			}
			if (opts.User == "") == !opts.Global {
				return cmdutil.FlagErrorf("give either --user UPN or --global")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return change(cmd.Context(), opts, grant)
		},
	}
	addTargetFlags(cmd, opts)
	return cmd
}

func newCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "revoke",
		Short: "Remove an app from the sandbox's Teams application access policies, or remove a policy",
		Long: `With --app, remove the app from every policy that names it. With --name,
remove the policy and its grants, as Grant-CsApplicationAccessPolicy
-PolicyName $null and Remove-CsApplicationAccessPolicy do in Teams
PowerShell (the undo setup lists).`,
		Example: `  teamsctl sandbox teams-policy revoke --app 11111111-2222-3333-4444-555555555555
  teamsctl sandbox teams-policy revoke --name onlyfy-meetings`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.AppID == "") == (opts.Name == "") {
				return cmdutil.FlagErrorf("give either --app APPID or --name POLICY")
			}
			if opts.AppID != "" && !emulator.IsGUID(opts.AppID) {
				return cmdutil.FlagErrorf("--app %q: want the app's application (client) id, a GUID", opts.AppID)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return change(cmd.Context(), opts, revoke)
		},
	}
	cmd.Flags().StringVar(&opts.AppID, "app", "", "Application (client) id")
	cmd.Flags().StringVar(&opts.Name, "name", "", "Remove this policy and its grants (Remove-CsApplicationAccessPolicy -Identity)")
	return cmd
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List the sandbox's Teams application access policies",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return change(cmd.Context(), opts, func(*emulator.Server, *Options) error { return nil })
		},
	}
}

func addTargetFlags(cmd *cobra.Command, opts *Options) {
	fl := cmd.Flags()
	fl.StringVar(&opts.AppID, "app", "", "Application (client) id the policy names")
	fl.StringVar(&opts.User, "user", "", "Grant the policy to this user (UPN)")
	fl.BoolVar(&opts.Global, "global", false, "Grant the policy to everyone in the tenant")
	fl.StringVar(&opts.Name, "name", presets.DefaultAccessPolicyName, "Policy name (New-CsApplicationAccessPolicy -Identity; a preset's teams.applicationAccessPolicyName)")
}

// grant names the app in the policy and grants it to the user or everyone.
func grant(s *emulator.Server, opts *Options) error {
	return s.GrantTeamsAccessPolicy(emulator.TeamsPolicyGrant{Policy: opts.Name, AppID: opts.AppID, User: opts.User, Global: opts.Global})
}

func revoke(s *emulator.Server, opts *Options) error {
	if opts.Name != "" {
		return s.RemoveTeamsAccessPolicy(opts.Name)
	}
	return s.RevokeTeamsAccessPolicy(opts.AppID)
}

// change applies fn to the sandbox and prints the policies.
func change(ctx context.Context, opts *Options, fn func(*emulator.Server, *Options) error) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	sb, err := sandbox.OpenForConfig(ctx, cfg.Dir())
	if err != nil {
		return err
	}
	var policies []emulator.TeamsAccessPolicy
	err = sb.Do(ctx, func(s *emulator.Server) error {
		if err := fn(s, opts); err != nil {
			return err
		}
		policies = s.TeamsAccessPolicies()
		return nil
	})
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, policies, render)
}

func render(w io.Writer, s *ui.Styles, policies []emulator.TeamsAccessPolicy) error {
	rows := make([][]string, 0, len(policies))
	for _, p := range policies {
		grantedTo := ui.Count(len(p.Users), "user")
		if p.Global {
			grantedTo = "everyone"
		}
		rows = append(rows, []string{p.Identity, strings.Join(p.AppIDs, ","), grantedTo})
	}
	return s.Table(w, []string{"POLICY", "APPS", "GRANTED TO"}, rows)
}
