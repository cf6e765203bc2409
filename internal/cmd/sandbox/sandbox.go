// Package sandbox implements `teamsctl sandbox`: the built-in emulated
// tenant admins rehearse in, and the emulator server tests and other Graph
// clients can talk to.
package sandbox

import (
	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/devicecode"
	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/dump"
	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/fault"
	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/reset"
	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/serve"
	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/teamspolicy"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
)

// NewCmdSandbox builds the sandbox command group.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Rehearse in the built-in emulated tenant",
		Long: `The sandbox is an emulated Entra ID tenant ("Contoso") with Microsoft Graph,
built into teamsctl. It enforces what the real service enforces: permissions
in tokens, directory roles, consent, assignment, Conditional Access and
Graph's validation rules, with the same error codes.

Run any command with --sandbox to use it instead of Microsoft; its state is
kept in the config directory between runs. 'teamsctl sandbox serve' runs it
as an HTTPS server for other tools. See docs/sandbox.md.`,
		Example: `  teamsctl --sandbox whoami
  teamsctl sandbox dump -o json
  teamsctl sandbox reset
  teamsctl sandbox serve --addr 127.0.0.1:8443`,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(
		serve.NewCmdServe(f, nil),
		reset.NewCmdReset(f, nil),
		dump.NewCmdDump(f, nil),
		devicecode.NewCmdApprove(f, nil),
		fault.NewCmdFault(f, nil),
		teamspolicy.NewCmdTeamsPolicy(f),
	)
	return cmd
}
