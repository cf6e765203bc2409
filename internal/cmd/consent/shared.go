// Package consent holds the consent command group.
package consent

import (
	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/consent/grant"
	"github.com/teamsctl/teamsctl/internal/cmd/consent/requests"
	"github.com/teamsctl/teamsctl/internal/cmd/consent/revoke"
	"github.com/teamsctl/teamsctl/internal/cmd/consent/show"
	urlcmd "github.com/teamsctl/teamsctl/internal/cmd/consent/url"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
)

// NewCmdConsent builds `teamsctl consent`.
func NewCmdConsent(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "consent <command>",
		Short: "Grant, revoke and inspect admin consent for an app or a vendor's app",
		Long: `Grant and revoke consent the way an admin means it: grants are merged, never
wiped. Works for an app registered in this tenant (name, appId or object id)
and for a vendor's multi-tenant appId, whose enterprise app is created first.`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(grant.NewCmdGrant(f, nil), revoke.NewCmdRevoke(f, nil),
		show.NewCmdShow(f, nil), urlcmd.NewCmdURL(f, nil), requests.NewCmdRequests(f))
	return cmd
}
