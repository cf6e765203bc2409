// Package access implements `teamsctl app access`.
package access

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app access.
type Options struct {
	shared.Deps
	App      string
	Settings consent.AccessSettings
	DryRun   bool
}

// Result is the enterprise app's access settings after the command.
type Result struct {
	DryRun             bool       `json:"dryRun"`
	AppID              string     `json:"appId"`
	DisplayName        string     `json:"displayName"`
	ServicePrincipalID string     `json:"servicePrincipalId"`
	AssignmentRequired bool       `json:"assignmentRequired"`
	SignInEnabled      bool       `json:"signInEnabled"`
	Plan               plan.Steps `json:"plan"`
}

// NewCmdAccess builds the command; runF replaces the run step in tests.
func NewCmdAccess(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "access APP",
		Short: "Show or change who may sign in to an enterprise app",
		Long: `Show or change the enterprise-app settings vendors' troubleshooting pages send
admins to: "Assignment required?" (only assigned users and groups may sign
in; see 'teamsctl app assign') and "Enabled for users to sign-in?".

APP is an app of this tenant (name, appId or object id) or a vendor's appId
whose enterprise app exists here. Without flags the settings are shown.`,
		Example: `  # only the Recruiters group may use EBMS
  teamsctl app access c0ec60b5-60a8-4768-8053-870f11315492 --assignment-required=true
  teamsctl app assign c0ec60b5-60a8-4768-8053-870f11315492 --group Recruiters`,
		Args: cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			app, err := cmdutil.AppArg("APP", args[0])
			if err != nil {
				return err
			}
			opts.App = app
			for _, fl := range []struct {
				name string
				dst  **bool
			}{{"assignment-required", &opts.Settings.AssignmentRequired}, {"sign-in-enabled", &opts.Settings.SignInEnabled}} {
				if !cmd.Flags().Changed(fl.name) {
					continue
				}
				v, _ := cmd.Flags().GetString(fl.name)
				b, err := strconv.ParseBool(v)
				if err != nil {
					return cmdutil.FlagErrorf("--%s: %q is not true or false", fl.name, v)
				}
				*fl.dst = &b
			}
			if runF != nil {
				return runF(opts)
			}
			return accessRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.String("assignment-required", "", "Only assigned users and groups may sign in: true or false")
	fs.String("sign-in-enabled", "", "Users may sign in to the app at all: true or false")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	return cmd
}

// readNeeds are what access reads: the enterprise app (APP resolved to
// it) and its settings; changeNeeds also update it.
var (
	readNeeds   = permissions.Of(permissions.ReadApplications)
	changeNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteServicePrincipals)
)

func accessRun(ctx context.Context, opts *Options) error {
	change := opts.Settings.AssignmentRequired != nil || opts.Settings.SignInEnabled != nil
	needs := readNeeds
	if change {
		needs = changeNeeds
	}
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	t, err := shared.ResolveEnterpriseApp(ctx, g, opts.App)
	if err != nil {
		return err
	}
	eng := &consent.Engine{Graph: g, DryRun: opts.DryRun}
	if change {
		if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
			return err
		}
		if err := eng.SetAccess(ctx, t.SP, opts.Settings); err != nil {
			return err
		}
	}
	res := &Result{DryRun: opts.DryRun, AppID: t.AppID, DisplayName: t.SP.DisplayName, ServicePrincipalID: t.SP.ID,
		AssignmentRequired: t.SP.AppRoleAssignmentRequired, SignInEnabled: t.SP.AccountEnabled, Plan: eng.Steps}
	if res.Plan == nil {
		res.Plan = plan.Steps{}
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.DryRun {
			fmt.Fprintln(w, "Plan (dry run, nothing was changed):")
		}
		res.Plan.Render(w, s)
		if res.DryRun {
			return nil
		}
		return s.KeyValues(w, []ui.Field{
			{Key: "Enterprise app", Value: fmt.Sprintf("%s (%s)", res.DisplayName, res.AppID)},
			{Key: "Assignment required", Value: strconv.FormatBool(res.AssignmentRequired)},
			{Key: "Enabled for sign-in", Value: strconv.FormatBool(res.SignInEnabled)},
		})
	})
}
