// Package delete implements `teamsctl app delete`.
package delete

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app delete.
type Options struct {
	shared.Deps
	App    string
	Yes    bool
	DryRun bool
}

// Result is the deleted app.
type Result struct {
	DryRun      bool   `json:"dryRun"`
	AppID       string `json:"appId"`
	ObjectID    string `json:"objectId"`
	DisplayName string `json:"displayName"`
	Deleted     bool   `json:"deleted"`
}

// NewCmdDelete builds the command; runF replaces the run step in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "delete APP",
		Short: "Delete an app registration (asks first)",
		Long: `Delete an app registration of this tenant (APP: appId, object id or exact
display name). Entra keeps it in deleted items for 30 days. The vendor's
integration stops working at once. Asks for confirmation on a terminal;
elsewhere pass --yes.`,
		Example: `  teamsctl app delete "elevato - MS Teams integration" --yes`,
		Args:    cmdutil.ExactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.App = args[0]
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Say what would be deleted and change nothing")
	return cmd
}

// needs are what app delete does: find the registration and delete it.
var needs = permissions.Of(permissions.ReadApplications, permissions.WriteApplications)

func deleteRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	res := &Result{DryRun: opts.DryRun, AppID: app.AppID, ObjectID: app.ID, DisplayName: app.DisplayName}
	if !opts.DryRun {
		if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
			return err
		}
		if err := shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Delete app registration %s (%s)", app.DisplayName, app.AppID)); err != nil {
			return err
		}
		if err := g.DeleteApplication(ctx, app.ID); err != nil {
			return err
		}
		res.Deleted = true
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.DryRun {
			fmt.Fprintf(w, "Would delete %s (%s); nothing was changed.\n", res.DisplayName, res.AppID)
			return nil
		}
		fmt.Fprintf(w, "%s Deleted %s (%s)\n", s.SuccessMark(), res.DisplayName, res.AppID)
		return nil
	})
}
