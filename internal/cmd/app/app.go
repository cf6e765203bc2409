// Package app holds the app command group.
package app

import (
	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/access"
	"github.com/teamsctl/teamsctl/internal/cmd/app/assign"
	"github.com/teamsctl/teamsctl/internal/cmd/app/cert"
	"github.com/teamsctl/teamsctl/internal/cmd/app/create"
	deletecmd "github.com/teamsctl/teamsctl/internal/cmd/app/delete"
	"github.com/teamsctl/teamsctl/internal/cmd/app/list"
	"github.com/teamsctl/teamsctl/internal/cmd/app/redirect"
	"github.com/teamsctl/teamsctl/internal/cmd/app/secret"
	"github.com/teamsctl/teamsctl/internal/cmd/app/show"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
)

// NewCmdApp builds `teamsctl app`.
func NewCmdApp(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "app <command>",
		Short: "Register and manage the app of a vendor's integration",
		Long: `Register an application for a vendor's Teams or Outlook integration and manage
its redirect URIs, secrets, certificates and enterprise-app access. APP
arguments accept an appId, an object id or a display name.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(create.NewCmdCreate(f, nil),
		show.NewCmdShow(f, nil), list.NewCmdList(f, nil), deletecmd.NewCmdDelete(f, nil),
		redirect.NewCmdRedirect(f), secret.NewCmdSecret(f), cert.NewCmdCert(f),
		access.NewCmdAccess(f, nil),
		assign.NewCmdAssign(f, nil), assign.NewCmdUnassign(f, nil), assign.NewCmdAssignments(f, nil))
	return cmd
}
